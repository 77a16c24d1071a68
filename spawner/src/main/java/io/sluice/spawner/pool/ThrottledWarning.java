package io.sluice.spawner.pool;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts events that deserve a log line but may come thousands of times a second (sessions refused at a limit,
 * programs that cannot be spawned): the first of a quiet period is reported at once, the rest are counted and
 * reported together once the interval has passed, by the next event or by a periodic check. Thread-safe, lock-free.
 */
final class ThrottledWarning {

    private final long intervalNanos;
    private final AtomicLong unreported = new AtomicLong();
    private final AtomicLong nextReport;

    ThrottledWarning(Duration interval, long nowNanos) {
        this.intervalNanos = interval.toNanos();
        this.nextReport = new AtomicLong(nowNanos);
    }

    /** Counts one event; returns how many events to report now (this one included), or 0 while the interval lasts. */
    long count(long nowNanos) {
        unreported.incrementAndGet();
        return due(nowNanos);
    }

    /** How many counted events to report now: all of them once the interval since the last report has passed. */
    long due(long nowNanos) {
        long next = nextReport.get();
        if (nowNanos - next < 0 || unreported.get() == 0 || !nextReport.compareAndSet(next, nowNanos + intervalNanos)) {
            return 0;
        }
        return unreported.getAndSet(0);
    }
}
