package io.sluice.tunnel.session;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live counters of one server's sessions, for tests, status and metrics, and the one place sessions report their
 * life to the {@link SessionObserver}: opened, closed, refused. Thread-safe: sessions on every event loop update it,
 * once per session event; the peaks are updated only when a session's own peak grows, so the hot path stays off
 * shared memory.
 */
public final class TunnelStats {
    /** Routes are keys of the config; refusals that matched none are counted under this key. */
    public static final String NO_ROUTE = "";

    private final SessionObserver observer;
    private final AtomicInteger activeSessions = new AtomicInteger();
    private final AtomicLong totalSessions = new AtomicLong();
    private final AtomicLong endedBytesFromClient = new AtomicLong();
    private final AtomicLong endedBytesToClient = new AtomicLong();
    private final AtomicLong peakClientPendingBytes = new AtomicLong();
    private final AtomicLong peakBackendPendingBytes = new AtomicLong();
    private final AtomicLong peakHttpPendingBytes = new AtomicLong();
    private final Map<String, RouteStats> routes = new ConcurrentHashMap<>();
    private final Set<SessionRecord> live = ConcurrentHashMap.newKeySet();

    public TunnelStats() {
        this(SessionObserver.NONE);
    }

    public TunnelStats(SessionObserver observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /** Sessions past the 101 and not yet CLOSED. */
    public int activeSessions() {
        return activeSessions.get();
    }

    /** Sessions that ever reached OPEN. */
    public long totalSessions() {
        return totalSessions.get();
    }

    /**
     * Payload bytes relayed since start in each direction: those of ended sessions plus the running counts of open
     * ones (read from their loops' threads: recent, not exact). Index 0 from clients, 1 to clients.
     */
    public long[] bytesSoFar() {
        long fromClient = endedBytesFromClient.get();
        long toClient = endedBytesToClient.get();
        for (SessionRecord session : live) {
            if (!session.ended()) {
                fromClient += session.bytesFromClient();
                toClient += session.bytesToClient();
            }
        }
        return new long[] {fromClient, toClient};
    }

    /** The counts of one route (zero until its first session or refusal). */
    public RouteStats route(String route) {
        return routes.computeIfAbsent(route, r -> new RouteStats());
    }

    /** Up to {@code limit} open sessions, oldest first. */
    public List<SessionRecord> liveSessions(int limit) {
        List<SessionRecord> all = new ArrayList<>(live);
        all.sort(Comparator.comparingLong(SessionRecord::createdNanos));
        return all.size() <= limit ? all : List.copyOf(all.subList(0, limit));
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

    /** A handshake was refused with an HTTP status. Any thread. */
    public void refused(Refusal refusal) {
        route(refusal.route()).refused(refusal.reason());
        observer.refused(refusal);
    }

    SessionRecord newRecord(String route, SocketAddress remote) {
        return new SessionRecord(SessionIds.next(), route, remote);
    }

    void opened(SessionRecord session) {
        activeSessions.incrementAndGet();
        totalSessions.incrementAndGet();
        route(session.route()).opened();
        live.add(session);
        observer.opened(session);
    }

    void closed(SessionRecord session) {
        endedBytesFromClient.addAndGet(session.bytesFromClient());
        endedBytesToClient.addAndGet(session.bytesToClient());
        activeSessions.decrementAndGet();
        route(session.route()).closed();
        live.remove(session);
        observer.closed(session);
    }

    void connectFailed(String route, boolean backendsFault) {
        observer.connectFailed(route, backendsFault);
    }

    void clientPending(long bytes) {
        peakClientPendingBytes.accumulateAndGet(bytes, Math::max);
    }

    void backendPending(long bytes) {
        peakBackendPendingBytes.accumulateAndGet(bytes, Math::max);
    }
}
