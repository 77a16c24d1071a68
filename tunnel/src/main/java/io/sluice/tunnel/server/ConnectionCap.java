package io.sluice.tunnel.server;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code server.max-connections}: counts open client connections and refuses those beyond the cap. The first
 * refusal of a stretch at the cap logs one WARN and the first admission below it one INFO, as the registry does for
 * outages. Thread-safe (lock-free); every event loop calls it.
 */
final class ConnectionCap {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionCap.class);

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicBoolean atCap = new AtomicBoolean();

    ConnectionCap(int max) {
        this.max = max;
    }

    /** Counts a new connection; false (and not counted) when {@code max} are already open. */
    boolean tryAdmit() {
        while (true) {
            int now = open.get();
            if (now >= max) {
                if (atCap.compareAndSet(false, true)) {
                    LOG.warn("server.max-connections ({}) reached; new connections get 503 and are closed at once"
                            + " until one ends", max);
                }
                return false;
            }
            if (open.compareAndSet(now, now + 1)) {
                if (atCap.get() && atCap.compareAndSet(true, false)) {
                    LOG.info("below server.max-connections ({}) again", max);
                }
                return true;
            }
        }
    }

    /** An admitted connection closed. */
    void closed() {
        open.decrementAndGet();
    }

    /** Connections open now. */
    int open() {
        return open.get();
    }
}
