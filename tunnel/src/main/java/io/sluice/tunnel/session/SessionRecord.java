package io.sluice.tunnel.session;

import io.sluice.spawner.registry.Lease;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The facts of one session for operators: who, which route, backend and worker, how many bytes and messages each
 * way, and how it ended. Written only on the session's event loop; the counters are plain fields (a relay adds to
 * them per read without any shared-memory cost), so another thread reading a live session (the status page) sees
 * recent, not exact, values. Once {@link #closed} ran the record no longer changes and is safe to read anywhere.
 */
public final class SessionRecord {

    /** Who ended a session: its client, its backend, or Sluice (stop, timeouts, protocol violations, limits). */
    public enum ClosedBy {
        CLIENT, BACKEND, SLUICE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final String id;
    private final String route;
    private final String remoteHost;
    private final int remotePort;
    private final long createdNanos = System.nanoTime();
    private Instant openedAt;
    private long openedNanos;
    private String backend = "";
    private String workerAddress = "";
    private int workerId = -1;
    private long workerPid;
    long bytesFromClient;
    long bytesToClient;
    long messagesFromClient;
    long messagesToClient;
    private volatile boolean ended;
    private Instant closedAt;
    private Duration duration = Duration.ZERO;
    private CloseReason reason;
    private int closeCode = -1;

    SessionRecord(String id, String route, SocketAddress remote) {
        this.id = id;
        this.route = route;
        if (remote instanceof InetSocketAddress inet) {
            this.remoteHost = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            this.remotePort = inet.getPort();
        } else {
            this.remoteHost = String.valueOf(remote);
            this.remotePort = 0;
        }
    }

    /** The 101 is sent: the backend connection is up. */
    SessionRecord opened(Lease lease) {
        openedAt = Instant.now();
        openedNanos = System.nanoTime();
        backend = lease.backendName();
        workerAddress = lease.address().describe();
        return this;
    }

    /** Both channels are closed and the lease released: the session's last fact. */
    SessionRecord closed(CloseReason why, int code) {
        closedAt = Instant.now();
        duration = Duration.ofNanos(System.nanoTime() - openedNanos);
        reason = why;
        closeCode = code;
        ended = true;
        return this;
    }

    /** Which worker carried the session, as the spawner's status names it; set by an observer at open. */
    public void identifyWorker(int id, long pid) {
        this.workerId = id;
        this.workerPid = pid;
    }

    /**
     * The session's id ({@link SessionIds}): the same in the access log, /status, a per-connection program's
     * {@code SLUICE_SESSION_ID} and the PROXY v2 header's unique id.
     */
    public String id() {
        return id;
    }

    /** When the session began (its upgrade request was accepted), for ordering; {@link System#nanoTime()} units. */
    long createdNanos() {
        return createdNanos;
    }

    public String route() {
        return route;
    }

    public String remoteHost() {
        return remoteHost;
    }

    public int remotePort() {
        return remotePort;
    }

    /** When the 101 was sent. */
    public Instant openedAt() {
        return openedAt;
    }

    /** From the upgrade request's acceptance to the backend connection: acquire, any on-demand spawn, connect. */
    public Duration timeToBackend() {
        return Duration.ofNanos(openedNanos - createdNanos);
    }

    /** The backend's configured name. */
    public String backend() {
        return backend;
    }

    /** The address of the worker connected to. */
    public String workerAddress() {
        return workerAddress;
    }

    /** The worker's id, or -1 when unknown (a backend Sluice does not run). */
    public int workerId() {
        return workerId;
    }

    /** The worker's pid, or 0 when unknown. */
    public long workerPid() {
        return workerPid;
    }

    /** Payload bytes received from the client (before any base64 decoding). */
    public long bytesFromClient() {
        return bytesFromClient;
    }

    /** Backend bytes sent to the client (before any base64 encoding and framing). */
    public long bytesToClient() {
        return bytesToClient;
    }

    /** Complete client messages relayed to the backend. */
    public long messagesFromClient() {
        return messagesFromClient;
    }

    /** Frames sent to the client with backend data (each backend read is one). */
    public long messagesToClient() {
        return messagesToClient;
    }

    public boolean ended() {
        return ended;
    }

    public Instant closedAt() {
        return closedAt;
    }

    /** From the 101 to the end; zero while open. */
    public Duration duration() {
        return duration;
    }

    /** How long it has been open, now. */
    public Duration age() {
        return Duration.ofNanos(System.nanoTime() - openedNanos);
    }

    public CloseReason reason() {
        return reason;
    }

    /** The CLOSE code the client was sent; -1 when none could be sent (the client was gone). */
    public int closeCode() {
        return closeCode;
    }

    /** Who ended the session; null while open. */
    public ClosedBy closedBy() {
        return reason == null ? null : closedBy(reason);
    }

    static ClosedBy closedBy(CloseReason reason) {
        return switch (reason) {
            case CLIENT_CLOSE, CLIENT_GONE -> ClosedBy.CLIENT;
            case BACKEND_EOF, BACKEND_ERROR, WORKER_FAILED, BACKEND_NOT_UTF8, LINE_TOO_LONG -> ClosedBy.BACKEND;
            case SHUTDOWN, READ_IDLE, PONG_TIMEOUT, PROTOCOL_ERROR, CLIENT_NOT_UTF8, CLIENT_NOT_BASE64, CLIENT_NEWLINE,
                    CLIENT_BAD_COMPRESSION,
                    MESSAGE_TOO_BIG, INTERNAL_ERROR -> ClosedBy.SLUICE;
        };
    }

    void countFromClient(int bytes, boolean endOfMessage) {
        bytesFromClient += bytes;
        if (endOfMessage) {
            messagesFromClient++;
        }
    }

    /** Backend bytes as they arrive (before framing). */
    void countToClient(int bytes) {
        bytesToClient += bytes;
    }

    /** One message written to the client (a backend read on stream routes, a line on lines routes). */
    void countMessageToClient() {
        messagesToClient++;
    }
}
