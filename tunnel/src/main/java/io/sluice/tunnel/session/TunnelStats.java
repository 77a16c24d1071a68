package io.sluice.tunnel.session;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live counters of one server's sessions, for tests and metrics. Thread-safe: sessions on every event loop update
 * it; the peaks are updated only when a session's own peak grows, so the hot path stays off shared memory.
 */
public final class TunnelStats {
    private final AtomicInteger activeSessions = new AtomicInteger();
    private final AtomicLong totalSessions = new AtomicLong();
    private final AtomicLong peakClientPendingBytes = new AtomicLong();
    private final AtomicLong peakBackendPendingBytes = new AtomicLong();
    private final AtomicLong peakHttpPendingBytes = new AtomicLong();

    /** Sessions past the 101 and not yet CLOSED. */
    public int activeSessions() {
        return activeSessions.get();
    }

    /** Sessions that ever reached OPEN. */
    public long totalSessions() {
        return totalSessions.get();
    }

    /**
     * The most bytes ever queued, in one session, in either direction's outbound buffer (the larger of
     * {@link #peakClientPendingBytes()} and {@link #peakBackendPendingBytes()}).
     */
    public long peakPendingBytes() {
        return Math.max(peakClientPendingBytes(), peakBackendPendingBytes());
    }

    /** The most bytes ever queued in one session's client channel (backend → client frames, not yet sent). */
    public long peakClientPendingBytes() {
        return peakClientPendingBytes.get();
    }

    /** The most bytes ever queued in one session's backend channel (client payload, not yet sent). */
    public long peakBackendPendingBytes() {
        return peakBackendPendingBytes.get();
    }

    /** The most bytes ever queued for one client before an upgrade (HTTP responses not yet sent). */
    public long peakHttpPendingBytes() {
        return peakHttpPendingBytes.get();
    }

    /** Records the outbound bytes of a client in its HTTP phase (the server package does; no session exists). */
    public void httpPending(long bytes) {
        if (bytes > peakHttpPendingBytes.get()) {
            peakHttpPendingBytes.accumulateAndGet(bytes, Math::max);
        }
    }

    void opened() {
        activeSessions.incrementAndGet();
        totalSessions.incrementAndGet();
    }

    void closed() {
        activeSessions.decrementAndGet();
    }

    void clientPending(long bytes) {
        peakClientPendingBytes.accumulateAndGet(bytes, Math::max);
    }

    void backendPending(long bytes) {
        peakBackendPendingBytes.accumulateAndGet(bytes, Math::max);
    }
}
