package io.sluice.spawner.registry;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the tunnel tells {@link Registry#acquire} about one session: the balancing facts ({@code selection}), an id
 * unique per session ({@code sessionId}, for logs and for what a backend may learn of its caller), the per-key
 * instance key ({@code key}: null when the route has no per-key host; already validated by the tunnel), and the
 * extra {@code NAME=VALUE} environment entries of a per-connection program, built only when the spawner calls the
 * supplier (it does so only when it spawns a process for the session). Immutable; the supplier may be called on any
 * thread, at most once per spawn.
 */
public record SessionRequest(SelectionKey selection, String sessionId, String key,
                             Supplier<List<byte[]>> environment) {
    public SessionRequest {
        Objects.requireNonNull(selection, "selection");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(environment, "environment");
    }
}
