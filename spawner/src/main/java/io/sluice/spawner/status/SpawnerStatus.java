package io.sluice.spawner.status;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Every backend of every route at one moment, in config order. Immutable (a worker's load is read live, see
 * {@link WorkerStatus#load()}); published by the supervisor thread after every worker state change and every tick.
 */
public record SpawnerStatus(List<BackendStatus> backends) {

    /** Nothing runs (before the supervisor started). */
    public static final SpawnerStatus NONE = new SpawnerStatus(List.of());

    public SpawnerStatus {
        backends = List.copyOf(backends);
    }

    /** The backends of {@code route}, in config order; empty when the route has none published yet. */
    public List<BackendStatus> backendsOf(String route) {
        return backends.stream().filter(b -> b.route().equals(route)).toList();
    }

    /** Whether some worker of {@code route} is RUNNING. */
    public boolean hasRunningWorker(String route) {
        return backends.stream().filter(b -> b.route().equals(route)).flatMap(b -> b.workers().stream())
                .anyMatch(w -> w.state() == WorkerStatus.State.RUNNING);
    }

    /** The worker of {@code route}'s backend {@code backend} that listens on {@code address} (as described). */
    public Optional<WorkerStatus> workerAt(String route, String backend, String address) {
        Objects.requireNonNull(address, "address");
        // Plain loops: this runs for every new session (the tunnel names each session's worker).
        for (BackendStatus b : backends) {
            if (b.route().equals(route) && b.name().equals(backend)) {
                for (WorkerStatus w : b.workers()) {
                    if (w.address().equals(address)) {
                        return Optional.of(w);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
