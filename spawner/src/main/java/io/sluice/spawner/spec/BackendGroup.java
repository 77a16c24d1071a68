package io.sluice.spawner.spec;

import java.util.List;
import java.util.Objects;

/** The backends of one route and how to balance between them. {@code route} is the route's config key. */
public record BackendGroup(String route, BalanceKind balance, List<BackendSpec> backends) {

    public BackendGroup {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(balance, "balance");
        backends = List.copyOf(backends);
        if (backends.isEmpty()) {
            throw new InvalidOptionException("hosts", "a route needs at least one host", null);
        }
    }
}
