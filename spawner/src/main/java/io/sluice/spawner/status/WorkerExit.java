package io.sluice.spawner.status;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The end of one run of a worker: when, which pid, how ("exit 3", "killed by SIGSEGV", "did not start"), its bounded
 * {@link ExitKey}, and how long it had run. Immutable.
 *
 * @param pid    0 when no process was started
 * @param code   the exit code, or -1 when it did not exit by itself (signal, failed start, unknown)
 * @param ranFor zero when no process was started
 */
public record WorkerExit(Instant at, long pid, String description, int code, ExitKey key, Duration ranFor) {
    public WorkerExit {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(ranFor, "ranFor");
    }
}
