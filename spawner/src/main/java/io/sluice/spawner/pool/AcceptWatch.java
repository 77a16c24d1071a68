package io.sluice.spawner.pool;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether one run of a worker drains its accept queue ({@code accept-timeout}), judged from samples of the queue's
 * length that the tick takes. The queue <em>does not drain</em> while connections wait at every sample and never
 * fewer than at the sample before: a decrease proves an accept, an empty queue proves the worker keeps up, and
 * either starts the window again. So a busy worker that accepts now and then is never hung, and a worker that stopped
 * accepting (or never started to) is hung once the window has lasted {@code accept-timeout}. Not thread-safe:
 * supervisor thread only.
 */
final class AcceptWatch {

    private final Duration timeout;
    /** The first sample of the current window of non-empty, non-shrinking samples; null while the queue drains. */
    private Instant stuckSince;
    private int lastQueued;

    AcceptWatch(Duration timeout) {
        this.timeout = timeout;
    }

    /** Takes a sample: {@code queued} connections wait at {@code now}. Returns whether the worker is hung. */
    boolean hung(Instant now, int queued) {
        if (queued == 0) {
            stuckSince = null;
        } else if (stuckSince == null || queued < lastQueued) {
            stuckSince = now;
        }
        lastQueued = queued;
        return stuckSince != null && !now.isBefore(stuckSince.plus(timeout));
    }

    /** For the log line: "3 connections waited 10.0 s, never fewer". Meaningful once hung. */
    String describe(Instant now) {
        return "%d connection%s waited %s, never fewer".formatted(lastQueued, lastQueued == 1 ? "" : "s",
                WorkerRunner.human(Duration.between(stuckSince, now)));
    }
}
