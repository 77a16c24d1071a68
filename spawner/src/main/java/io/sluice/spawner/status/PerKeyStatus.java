package io.sluice.spawner.status;

import java.util.List;
import java.util.Objects;

/**
 * One {@code instances: per-key} backend at one moment: its live keys (by hash, never raw) with their workers, and
 * how many keys it may hold ({@code max-procs}). Immutable; the supervisor publishes one per per-key backend at every
 * tick (once a second).
 */
public record PerKeyStatus(String route, String backend, int maxProcs, List<LiveKey> keys) {
    public PerKeyStatus {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(backend, "backend");
        keys = List.copyOf(keys);
    }
}
