package io.sluice.spawner.status;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One backend (a host of a route) at one moment: what kind it is, its limits, its workers by id, and counts since
 * Sluice started: processes spawned and runs ended by {@link ExitKey}. Immutable.
 *
 * @param address the backend's configured address as described in logs (a worker's own address is on the worker)
 */
public record BackendStatus(
        String route,
        String name,
        Kind kind,
        String address,
        int minProcs,
        int maxProcs,
        List<WorkerStatus> workers,
        long spawns,
        Map<ExitKey, Long> exits) {

    /** What runs behind a backend; the names are those of the config option {@code instances}, or static. */
    public enum Kind {
        /** An existing server Sluice does not start (no {@code bin-path}). */
        STATIC("static"),
        /** Long-lived workers spawned by Sluice ({@code instances: pool}). */
        POOL("pool"),
        /** One long-lived worker per key ({@code instances: per-key}). */
        PER_KEY("per-key"),
        /** One program per session ({@code instances: per-connection}); its workers are the programs running now. */
        PER_CONNECTION("per-connection");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The lower-case name used in JSON and metric labels. */
        public String label() {
            return label;
        }
    }

    public BackendStatus {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(address, "address");
        workers = List.copyOf(workers);
        exits = Map.copyOf(exits);
    }

    /** Runs ended, whatever the cause. */
    public long exitCount() {
        return exits.values().stream().mapToLong(Long::longValue).sum();
    }
}
