package io.sluice.tunnel.session;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A WARN at most once per interval, DEBUG for the rest; the next WARN says how many were quieted. For failures that
 * come in storms (every new session while the server is out of descriptors). Thread-safe.
 */
public final class LogThrottle {
    private final long intervalNanos;
    private final AtomicLong nextWarnAt;
    private final AtomicInteger quieted = new AtomicInteger();

    public LogThrottle(long intervalNanos) {
        this.intervalNanos = intervalNanos;
        this.nextWarnAt = new AtomicLong(System.nanoTime());
    }

    public void warn(Logger log, String format, Object... args) {
        long now = System.nanoTime();
        long due = nextWarnAt.get();
        if (now - due >= 0 && nextWarnAt.compareAndSet(due, now + intervalNanos)) {
            int skipped = quieted.getAndSet(0);
            log.warn(skipped == 0 ? format : format + " (" + skipped + " more like this since the last warning)",
                    args);
        } else {
            quieted.incrementAndGet();
            log.debug(format, args);
        }
    }
}
