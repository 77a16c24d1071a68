package io.sluice.spawner.status;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * One worker slot of a backend at one moment. Immutable, except that {@link #load()} reads the worker's live load
 * (the sessions it carries now), which leases change between two publications.
 *
 * @param pid           the process id of the current run; 0 when none runs (or the backend is static)
 * @param startedAt     when the current run started; null when none runs
 * @param restarts      runs started in this slot after its first one (crash restarts, restarts after refusals,
 *                      starts after an idle stop)
 * @param crashesInARow crashes since the last healthy run (what the restart backoff counts)
 * @param lastExit      how the previous run ended; null when none ended yet
 * @param disabledUntil set only while DISABLED
 * @param restartAt     set only while DEAD after a crash: the earliest restart (backoff)
 */
public record WorkerStatus(
        int id,
        String address,
        State state,
        long pid,
        Instant startedAt,
        int restarts,
        int crashesInARow,
        WorkerExit lastExit,
        Instant disabledUntil,
        Instant restartAt,
        IntSupplier loadGauge) {

    /** A worker's lifecycle state, as the spawner's pool has it. */
    public enum State {
        STARTING, RUNNING, DISABLED, STOPPING, DEAD;

        /** The lower-case name used in JSON and metric labels. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public WorkerStatus {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(loadGauge, "loadGauge");
    }

    /** The sessions (leases) this worker carries now, read live. */
    public int load() {
        return loadGauge.getAsInt();
    }
}
