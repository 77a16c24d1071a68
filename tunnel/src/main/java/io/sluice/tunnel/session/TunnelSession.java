package io.sluice.tunnel.session;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.spawner.registry.Acquisition;
import io.sluice.spawner.registry.Lease;
import io.sluice.spawner.registry.Registry;
import io.sluice.spawner.registry.SessionRequest;
import io.sluice.spawner.registry.StartFailure;
import io.sluice.spawner.registry.Unavailable;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.tunnel.tls.ClientTls;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client↔backend pair: acquires a lease, connects (bounded retries), relays with backpressure once open, and
 * ends through the single idempotent {@link #close(CloseReason)} that closes both channels and the lease once.
 *
 * <p>Threading: confined to the client channel's event loop. The backend channel is bootstrapped on that same
 * loop, so no field here needs a lock or {@code volatile}; every callback below runs on that one thread.
 */
public final class TunnelSession {

    /** lighttpd re-dispatches a failed connect up to 5 times; we make at most 5 attempts in all, then 503. */
    public static final int MAX_CONNECT_ATTEMPTS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(TunnelSession.class);
    /** One WARN per this many nanoseconds for connects that failed on Sluice's side (a storm of them is likely). */
    private static final long LOCAL_FAILURE_WARN_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final LogThrottle LOCAL_FAILURE_LOG = new LogThrottle(LOCAL_FAILURE_WARN_NANOS);

    /** Told how the connect phase ended; called on the session's loop. */
    public interface ConnectListener {
        /** The backend accepted; write the 101 and then call {@link #open}. */
        void connected(TunnelSession session);

        /** No backend could be had; answer with this HTTP status (503, or 429 for a key's session cap) and reason. */
        void unavailable(TunnelSession session, int status, String reason);
    }

    private final Channel client;
    private final String route;
    private final WireFormat format;
    private final SessionSettings settings;
    private final BackendConnector connector;
    private final Framing framing;
    private final TunnelStats stats;
    private final SessionRecord record;
    private final SessionRelay relay;
    private final SessionTimers timers;

    private SessionState state = SessionState.ACQUIRING;
    private Lease lease;
    private ChannelFuture connecting;
    private Channel backend;
    private int attempts;
    private String lastFailure = "";
    private CloseReason closeReason;
    private int closeCode;
    private String closeText;
    private int openChannels;
    private ScheduledFuture<?> forceClose;
    /** The client as logs, stats and backends see it ({@link ClientAddresses}). */
    private final SocketAddress clientAddress;

    public TunnelSession(Channel client, String route, WireFormat format, SessionSettings settings,
            BackendConnector connector, Framing framing, TunnelStats stats) {
        this.client = Objects.requireNonNull(client, "client");
        this.route = Objects.requireNonNull(route, "route");
        this.format = Objects.requireNonNull(format, "format");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.connector = Objects.requireNonNull(connector, "connector");
        this.framing = Objects.requireNonNull(framing, "framing");
        this.stats = Objects.requireNonNull(stats, "stats");
        this.clientAddress = ClientAddresses.remoteOf(client);
        this.record = stats.newRecord(route, clientAddress);
        this.relay = new SessionRelay(this, client, stats);
        this.timers = new SessionTimers(this, client, settings);
    }

    public SessionState state() {
        return state;
    }

    public WireFormat format() {
        return format;
    }

    /**
     * This session's id ({@link SessionIds}), the one operators and backends see: access log, /status, the PROXY v2
     * header and a per-connection program's {@code SLUICE_SESSION_ID}.
     */
    public String id() {
        return record.id();
    }

    /** The handler to install on the client channel after the 101. */
    public ClientFrameHandler clientHandler() {
        return new ClientFrameHandler(this, relay, timers);
    }

    /** Acquires a lease and connects, retrying on a fresh lease; ends in one call to {@code listener}. */
    public void connect(Registry registry, SessionRequest request, ConnectListener listener) {
        if (state != SessionState.ACQUIRING) {
            return;
        }
        Acquisition acquisition;
        try {
            acquisition = registry.acquire(route, request);
        } catch (RuntimeException e) {
            LOG.warn("route={} registry failed: {}", route, e.toString());
            acquisition = new Unavailable(route, "backend registry failed");
        }
        if (acquisition instanceof Unavailable unavailable) {
            failConnect(listener, unavailable.status(), unavailable.reason());
            return;
        }
        lease = (Lease) acquisition;
        attempts++;
        moveTo(SessionState.CONNECTING, "lease " + lease.address().describe());
        CompletableFuture<Void> ready = lease.ready().toCompletableFuture();
        if (ready.isDone() && !ready.isCompletedExceptionally()) {
            startConnect(registry, request, listener);
        } else {
            awaitReady(ready, registry, request, listener);
        }
    }

    /**
     * A worker started on demand ({@code min-procs: 0}, a per-key worker) listens only once the supervisor spawned
     * it: wait for that, bounded by the lease's start timeout ({@code start-timeout}, else {@code connect-timeout}),
     * without blocking the loop. Its failure counts as a failed connect, unless the spawner says another attempt would
     * fail alike ({@link StartFailure}: a per-connection program that cannot be spawned), which is a 503 at once with
     * its reason; running out of time is a 503 at once too, since another attempt would wait for the same start.
     */
    private void awaitReady(CompletableFuture<Void> ready, Registry registry, SessionRequest request,
                            ConnectListener listener) {
        Lease waitingFor = lease;
        long timeoutMs = waitingFor.startTimeout().toMillis();
        ScheduledFuture<?> timer = timeoutMs <= 0 ? null : client.eventLoop().schedule(
                () -> startTimedOut(waitingFor, timeoutMs, listener), timeoutMs, TimeUnit.MILLISECONDS);
        ready.whenComplete((ignored, failure) -> client.eventLoop().execute(() -> {
            if (timer != null) {
                timer.cancel(false);
            }
            readyDone(waitingFor, failure, registry, request, listener);
        }));
    }

    private void readyDone(Lease waitingFor, Throwable failure, Registry registry, SessionRequest request,
                           ConnectListener listener) {
        if (lease != waitingFor || state != SessionState.CONNECTING || connecting != null) {
            return; // already connecting, timed out, or abandoned
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (failure == null) {
            startConnect(registry, request, listener);
        } else if (cause instanceof StartFailure refused) {
            startRefused(refused, listener);
        } else {
            attemptFailed(failure, registry, request, listener);
        }
    }

    /** The backend could not be started for this session, and trying again would fail alike: 503 with its reason. */
    private void startRefused(StartFailure refused, ConnectListener listener) {
        Lease failed = lease;
        lease = null;
        failed.close();
        stats.connectFailed(route, true);
        LOG.debug("route={} backend={}: not started: {}", route, failed.backendName(),
                refused.getCause() == null ? refused.getMessage() : refused.getCause().getMessage());
        failConnect(listener, refused.getMessage());
    }

    private void startTimedOut(Lease waitingFor, long timeoutMs, ConnectListener listener) {
        if (lease != waitingFor || state != SessionState.CONNECTING || connecting != null) {
            return;
        }
        lease = null;
        waitingFor.close();
        LOG.debug("route={} backend={}: the worker did not start within {} ms", route, waitingFor.backendName(),
                timeoutMs);
        failConnect(listener, "route %s: the backend did not start within %s".formatted(route,
                timeoutMs % 1000 == 0 ? timeoutMs / 1000 + " s" : timeoutMs + " ms"));
    }

    private void startConnect(Registry registry, SessionRequest request, ConnectListener listener) {
        connecting = connector.connect(client, lease, new BackendStreamHandler(this, relay));
        connecting.addListener((ChannelFutureListener) f -> connectDone(f, registry, request, listener));
    }

    private void connectDone(ChannelFuture f, Registry registry, SessionRequest request, ConnectListener listener) {
        connecting = null;
        if (state != SessionState.CONNECTING) {
            // Closed while connecting (client gone, handshake timeout, shutdown): nothing to hand over. A failed
            // connect's channel is closed already (and may be a placeholder that belongs to no event loop).
            if (f.isSuccess()) {
                f.channel().close();
            }
            return;
        }
        if (f.isSuccess()) {
            backend = f.channel();
            if (lease.proxyProtocol()) {
                // Before any client byte: the relay reads the client only once the session is open.
                backend.writeAndFlush(ProxyHeaderV2.encode(backend.alloc(), clientAddress,
                        ClientAddresses.localOf(client), request.selection().authority(), request.sessionId(),
                        ClientTls.of(client)));
            }
            relay.backend(backend);
            lease.connected();
            listener.connected(this);
            return;
        }
        // A per-connection program's channel is built, not connected: its failure is ours, and another attempt
        // would spawn another program for nothing.
        if (lease.address() instanceof BackendAddress.Stdio || !ConnectFailure.blamesBackend(f.cause())) {
            failedOnOurSide(f.cause(), listener);
            return;
        }
        attemptFailed(f.cause(), registry, request, listener);
    }

    /**
     * The connect failed for a reason that is not the worker's (Sluice is out of file descriptors or memory, or an
     * error the backend did not cause): release the lease without blaming the worker, and answer 503 at once; another
     * attempt would meet the same shortage.
     */
    private void failedOnOurSide(Throwable cause, ConnectListener listener) {
        String what = ConnectFailure.inWords(cause);
        Lease failed = lease;
        lease = null;
        failed.close();
        stats.connectFailed(route, false);
        LOCAL_FAILURE_LOG.warn(LOG, "route={} backend={}: cannot open a backend connection on Sluice's side ({}); "
                        + "answering 503 and leaving the worker in rotation. If this says \"Too many open files\", "
                        + "raise Sluice's descriptor limit (ulimit -n) or lower max-connections",
                route, failed.address().describe(), what);
        failConnect(listener, "route %s: the server cannot open a backend connection now (%s)".formatted(route,
                what));
    }

    private void attemptFailed(Throwable cause, Registry registry, SessionRequest request, ConnectListener listener) {
        lastFailure = describe(cause instanceof CompletionException && cause.getCause() != null
                ? cause.getCause() : cause);
        LOG.debug("route={} backend={} connect attempt {} failed: {}", route, lease.address().describe(), attempts,
                lastFailure);
        lease.connectFailed(cause);
        stats.connectFailed(route, true);
        lease = null;
        if (attempts >= MAX_CONNECT_ATTEMPTS) {
            // The cause names internal addresses: the log gets it, the client only the route and the count.
            LOG.debug("route={} giving up after {} connect attempts (last: {})", route, attempts, lastFailure);
            failConnect(listener, "route %s: no backend accepted a connection after %d attempts"
                    .formatted(route, attempts));
            return;
        }
        moveTo(SessionState.ACQUIRING, "retry after connect failure");
        connect(registry, request, listener);
    }

    private void failConnect(ConnectListener listener, String reason) {
        failConnect(listener, Unavailable.SERVICE_UNAVAILABLE, reason);
    }

    private void failConnect(ConnectListener listener, int status, String reason) {
        moveTo(SessionState.CLOSED, reason);
        listener.unavailable(this, status, reason);
    }

    /** The 101 is written and the pipeline switched: start relaying. */
    public void open() {
        moveTo(SessionState.OPEN, "101 sent");
        stats.opened(record.opened(lease));
        relay.start(framing.backendMessages(format), framing.clientDecoder(format));
        timers.start();
        LOG.debug("session open route={} backend={} client={} format={}", route, lease.address().describe(),
                clientAddress, format);
        client.read();
        backend.read();
    }

    /**
     * The one way a session ends; idempotent. Before OPEN it abandons the connect and closes the client channel;
     * once open it sends the mapped CLOSE, drains what is owed and closes both channels and the lease.
     */
    public void close(CloseReason reason) {
        switch (state) {
            case ACQUIRING, CONNECTING -> abandonConnect(reason);
            case OPEN -> beginClosing(reason, reason.code(), reason.text());
            case CLOSING, CLOSED -> {
            }
        }
    }

    /** The backend channel closed by itself: the close code depends on how its worker is ({@link WorkerEnd}). */
    void backendEnded() {
        if (state != SessionState.OPEN) {
            close(CloseReason.BACKEND_EOF);
            return;
        }
        WorkerEnd.settle(this, client, lease, settings.linger());
    }

    /** The client sent CLOSE with {@code code} (-1 when it carried none): echo it, then close. */
    void clientClosed(int code) {
        if (state == SessionState.OPEN) {
            beginClosing(CloseReason.CLIENT_CLOSE, code > 0 ? code : 1000, CloseReason.CLIENT_CLOSE.text());
        }
    }

    /**
     * The worker process behind the backend failed while carrying this session: 1011, with how it ended as the close
     * reason ("exit 3", "killed by SIGSEGV"; a WebSocket close reason holds at most 123 bytes).
     */
    void workerFailed(String how) {
        if (state == SessionState.OPEN) {
            beginClosing(CloseReason.WORKER_FAILED, CloseReason.WORKER_FAILED.code(), CloseReason.fitText(how));
        }
    }

    private void abandonConnect(CloseReason reason) {
        if (connecting != null) {
            connecting.cancel(false);
            connecting.channel().close();
        }
        if (lease != null) {
            lease.close();
        }
        moveTo(SessionState.CLOSED, reason.name());
        client.close();
    }

    private void beginClosing(CloseReason reason, int code, String text) {
        closeReason = reason;
        closeCode = code;
        closeText = text;
        moveTo(SessionState.CLOSING, reason.name());
        timers.cancel();
        long timeoutMs = Math.max(settings.closeTimeout().toMillis(), 1);
        forceClose = client.eventLoop().schedule(this::forceClose, timeoutMs, TimeUnit.MILLISECONDS);
        closeCode = relay.sayGoodbyeToClient(reason, code, text, settings.linger());
        relay.releaseBackend(reason.backend(), settings.linger());
        // Last: a channel that is already closed runs its listener at once.
        openChannels = 2;
        client.closeFuture().addListener(f -> channelGone());
        backend.closeFuture().addListener(f -> channelGone());
    }

    private void forceClose() {
        LOG.debug("route={} session still closing after {}; closing both channels", route, settings.closeTimeout());
        client.close();
        backend.close();
    }

    private void channelGone() {
        if (--openChannels > 0) {
            return;
        }
        forceClose.cancel(false);
        relay.release();
        lease.close();
        moveTo(SessionState.CLOSED, closeReason.name());
        stats.closed(record.closed(closeReason, closeCode));
        LOG.debug("session closed route={} backend={} client={} reason={} code={} text={}", route,
                lease.address().describe(), clientAddress, closeReason, closeCode, closeText);
    }

    private void moveTo(SessionState next, String why) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("session %s %s: cannot move %s -> %s (%s)"
                    .formatted(route, clientAddress, state, next, why));
        }
        LOG.trace("session route={} client={} {} -> {} ({})", route, clientAddress, state, next, why);
        state = next;
    }

    String route() {
        return route;
    }

    Channel backend() {
        return backend;
    }

    /** What operators learn about this session (its counters are kept by the relay). */
    SessionRecord record() {
        return record;
    }

    private static String describe(Throwable cause) {
        if (cause == null) {
            return "unknown";
        }
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }
}
