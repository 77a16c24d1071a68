package io.sluice.spawner.spec;

import java.util.List;
import java.util.Objects;

/**
 * The backends of one route and how to balance between them. {@code route} is the route's config key. A route with
 * an {@code instances: per-key} backend has no other: every session of a key must meet that key's one worker, and
 * balancing between hosts would send some of them elsewhere.
 */
public record BackendGroup(String route, BalanceKind balance, List<BackendSpec> backends) {

    public BackendGroup {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(balance, "balance");
        backends = List.copyOf(backends);
        if (backends.isEmpty()) {
            throw new InvalidOptionException("hosts", "a route needs at least one host", null);
        }
        if (backends.size() > 1 && backends.stream().anyMatch(BackendSpec::isPerKey)) {
            throw new InvalidOptionException("hosts", "a route with an instances: per-key host must have no other "
                    + "host (a key's sessions must all meet its one worker)", "one per-key host per route");
        }
        if (backends.size() > 1 && backends.stream().anyMatch(BackendSpec::isPerConnection)) {
            throw new InvalidOptionException("hosts", "a route with an instances: per-connection host must have no "
                    + "other host (its sessions' environment, pass-credentials included, is the route's)",
                    "one per-connection host per route");
        }
    }

    /** The route's per-connection backend, or null when its backends are not per-connection. */
    public BackendSpec perConnectionBackend() {
        return backends.size() == 1 && backends.get(0).isPerConnection() ? backends.get(0) : null;
    }

    /** The route's per-key backend, or null when its backends are not per-key. */
    public BackendSpec perKeyBackend() {
        return backends.size() == 1 && backends.get(0).isPerKey() ? backends.get(0) : null;
    }
}
