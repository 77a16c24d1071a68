package io.sluice.tunnel.session;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs refused handshakes without flooding: one INFO line per route and reason at most every
 * {@value #INTERVAL_SECONDS} s, naming the status, the client and the answer, and how many more were refused
 * alike since the last line. Thread-safe.
 */
public final class RefusalLog implements SessionObserver {
    static final long INTERVAL_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(RefusalLog.class);

    private final long intervalNanos;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public RefusalLog() {
        this(TimeUnit.SECONDS.toNanos(INTERVAL_SECONDS));
    }

    RefusalLog(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    @Override
    public void refused(Refusal refusal) {
        Window window = windows.computeIfAbsent(refusal.route() + '\0' + refusal.reason(), k -> new Window());
        long now = System.nanoTime();
        long due = window.nextLogAt.get();
        if (now - due >= 0 && window.nextLogAt.compareAndSet(due, now + intervalNanos)) {
            long quieted = window.quieted.getAndSet(0);
            LOG.info("refused WebSocket handshake: route={} status={} reason={} client={}:{}: {}{}",
                    refusal.route().isEmpty() ? "(none)" : refusal.route(), refusal.status(), refusal.reason(),
                    refusal.remoteHost(), refusal.remotePort(), refusal.text(),
                    quieted == 0 ? "" : " (%d more like this since the last line)".formatted(quieted));
        } else {
            window.quieted.incrementAndGet();
        }
    }

    /** One route and reason: when the next line may be logged, and how many were quieted until then. */
    private static final class Window {
        final AtomicLong nextLogAt = new AtomicLong(System.nanoTime());
        final AtomicLong quieted = new AtomicLong();
    }
}
