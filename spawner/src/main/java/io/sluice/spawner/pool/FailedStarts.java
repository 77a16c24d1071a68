package io.sluice.spawner.pool;

import java.time.Duration;
import java.time.Instant;

/**
 * A spawned backend's failed starts in a row: workers that could not be spawned, or that exited unasked within
 * {@link #PROBATION} of their start (a stdin/stdout program given as {@code bin-path} reads fd 0, finds a listening
 * socket and exits in milliseconds). A worker has <em>shown it runs</em> once it stayed up for the probation; that
 * ends the run of failures. While it lasts, the pool starts one worker at a time, only when none is live and the
 * backoff of the backend (1 s doubling to 60 s) passed, and connections get a 503 at once with the last failure as
 * the reason instead of waiting for starts that would fail alike. Supervisor thread only.
 */
final class FailedStarts {

    /**
     * How long a worker must stay up to have shown it runs; an unasked exit sooner is a failed start. One second: a
     * program that cannot serve at all (wrong kind of program, missing module, bad arguments) is gone long before,
     * and the tick that checks it runs once a second anyway.
     */
    static final Duration PROBATION = Duration.ofSeconds(1);

    /**
     * The latest failed start: what happened, how many tries in a row failed, how many workers failed in this try
     * (min-procs start together), when the try failed and the earliest next try. Immutable.
     */
    record Failure(String what, String forClients, int inARow, int inTry, Instant at, Instant nextTry) {
        /** Whether this is the very first failure of the run. */
        boolean first() {
            return inARow == 1 && inTry == 1;
        }

        /** "worker exits at start: exited with code 0 after 2 ms; next try in 1.2 s". */
        String describe(Instant now) {
            return what + "; next try " + untilNextTry(now);
        }

        /** The same for a 503 body: names no path, address or binary. */
        String describeForClients(Instant now) {
            return forClients + "; next try " + untilNextTry(now);
        }

        private String untilNextTry(Instant now) {
            Duration left = Duration.between(now, nextTry);
            return left.isNegative() || left.isZero() ? "now" : "in " + WorkerRunner.human(left);
        }
    }

    private final RestartBackoff backoff;
    /** Null while no start failed since a worker last showed it runs. */
    private Failure latest;

    FailedStarts(RestartBackoff backoff) {
        this.backoff = backoff;
    }

    /** Whether an unasked exit after {@code uptime} is a failed start. */
    static boolean atStart(Duration uptime) {
        return uptime.compareTo(PROBATION) < 0;
    }

    /**
     * Records a failed start of a worker started (or tried) at {@code startedAt}. Workers started before the latest
     * failure was known (min-procs started together) fail in the same try: they share its count and next try; a
     * start tried after it is one more failure in a row and doubles the backoff. The backoff also follows the
     * worker's own crashes in a row ({@code workerCrashes}), so one slot that cannot start while others run (its TCP
     * port is taken) is not retried every second. {@code what} is for the log; {@code forClients} for 503 bodies.
     */
    Failure record(String what, String forClients, Instant startedAt, Instant now, int workerCrashes) {
        if (latest != null && startedAt.isBefore(latest.at())) {
            latest = new Failure(what, forClients, latest.inARow(), latest.inTry() + 1, latest.at(),
                    latest.nextTry());
        } else {
            int inARow = latest == null ? 1 : latest.inARow() + 1;
            latest = new Failure(what, forClients, inARow, 1, now,
                    now.plus(backoff.delay(Math.max(inARow, workerCrashes))));
        }
        return latest;
    }

    /** The latest failed start, or null when none happened since a worker last showed it runs. */
    Failure latest() {
        return latest;
    }

    /** Whether a worker may start now, while {@code live} workers are starting or running. */
    boolean allowStart(Instant now, int live) {
        return latest == null || live == 0 && !now.isBefore(latest.nextTry());
    }

    /** A worker has shown it runs: starts are free again. Returns the failure this ends, or null. */
    Failure clear() {
        Failure ended = latest;
        latest = null;
        return ended;
    }
}
