package io.sluice.tunnel.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sluice.spawner.registry.Registry;
import io.sluice.tunnel.config.RouteSpec;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.session.ClientFrameHandler;
import io.sluice.tunnel.session.SessionObserver;
import io.sluice.tunnel.session.TunnelStats;
import io.sluice.tunnel.tls.ServerTlsContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the WebSocket endpoint, owns its event loops, and stops gracefully: CLOSE 1001 to every client, drain,
 * then force. {@link #start()} and {@link #stop()} are called from one control thread (never an event loop);
 * {@link #stats()} is safe from any thread.
 */
public final class TunnelServer implements AutoCloseable {
    /** Per-channel outbound bounds, both directions: reads stop above high and resume below low. */
    public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    private static final Logger LOG = LoggerFactory.getLogger(TunnelServer.class);

    private enum State { NEW, RUNNING, STOPPED }

    private final SluiceConfig config;
    private final Registry registry;
    private final TunnelStats stats;
    private final ChannelGroup clients = new DefaultChannelGroup("sluice-clients", GlobalEventExecutor.INSTANCE);
    private final ChannelGroup backends = new DefaultChannelGroup("sluice-backends", GlobalEventExecutor.INSTANCE);
    private State state = State.NEW;
    private EventLoopGroup workerGroup;
    private Channel serverChannel;
    /** What connections use now: set by start, replaced as a whole by each reload; read by every new request. */
    private volatile ServerContext context;

    public TunnelServer(SluiceConfig config, Registry registry) {
        this(config, registry, SessionObserver.NONE);
    }

    /** A server whose sessions' opens, ends and refusals are told to {@code observer} (status, metrics, log). */
    public TunnelServer(SluiceConfig config, Registry registry, SessionObserver observer) {
        this.config = Objects.requireNonNull(config, "config");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.stats = new TunnelStats(observer);
    }

    /**
     * Binds {@code server.bind:server.port} (0 = any free port), logs "listening on ws://HOST:PORT" (wss:// with
     * TLS) and returns the bound address.
     *
     * @throws IOException when the address cannot be bound (port in use, no such address), the document root
     *                     cannot be read, the TLS library refuses the certificate, or the transport cannot run here
     *                     ({@link Transports#choose}); the message names the address, path, option or route
     */
    public synchronized InetSocketAddress start() throws IOException, InterruptedException {
        if (state != State.NEW) {
            throw new IllegalStateException("tunnel server must be new to start; currently " + state);
        }
        Transports.Choice choice;
        try {
            choice = Transports.choose(config);
        } catch (IOException e) {
            state = State.STOPPED;
            throw e;
        }
        Transport transport = choice.transport();
        StaticFiles staticFiles = staticFiles(config.server().documentRoot());
        ServerTlsContext tls = tls(config);
        warnAboutUnservedDevConsoles(config);
        context = new ServerContext(config, new RouteTable(config), staticFiles, registry,
                new SocketBackendConnector(backends, transport), stats,
                new ConnectionCap(config.server().maxConnections()), tls);
        workerGroup = transport.newGroup(config.server().effectiveIoThreads(), "sluice-io");
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(workerGroup, workerGroup)
                .channel(transport.serverChannel())
                // The workers' listen-backlog default: a reconnect storm finds room in the accept queue. With 1024,
                // 10,000 clients connecting at once overflowed it dozens of times and each overflow cost its
                // client a one-second SYN retransmit (docs/performance.md, "Connection floods").
                .option(ChannelOption.SO_BACKLOG, Math.max(NetUtil.SOMAXCONN, 1024))
                .option(ChannelOption.SO_REUSEADDR, true)
                // No TCP_NODELAY option: Netty's socket channels turn it on themselves, a second setsockopt per
                // connection would only repeat it.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new TunnelInitializer(() -> context, clients));
        transport.keepAlive(bootstrap, config.server().tcpKeepalive());
        String host = config.server().bind();
        int port = config.server().port();
        try {
            serverChannel = bootstrap.bind(host, port).sync().channel();
        } catch (Exception e) {
            shutDownLoops();
            state = State.STOPPED;
            throw new IOException("cannot listen on %s:%d: %s".formatted(host, port, e.getMessage()), e);
        }
        state = State.RUNNING;
        InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
        LOG.info("listening on {}://{}:{} ({})", config.server().scheme(), bound.getHostString(),
                bound.getPort(), choice.describe());
        return bound;
    }

    /** A dev console lets whoever loads it talk to the backend: it is served on a loopback bind only. */
    private static void warnAboutUnservedDevConsoles(SluiceConfig config) {
        for (RouteSpec route : config.routes()) {
            if (route.devConsole() && !config.servesDevConsole(route)) {
                LOG.warn("route {}: dev-console is not served: server.bind {} is not a loopback address, and the "
                        + "console lets anyone who can load it talk to the backend. Bind 127.0.0.1 (or reach it "
                        + "through an SSH tunnel) to use it", route.key(), config.server().bind());
            }
        }
    }

    private static StaticFiles staticFiles(Path documentRoot) throws IOException {
        if (documentRoot == null) {
            return null;
        }
        try {
            return new StaticFiles(documentRoot.toRealPath());
        } catch (IOException e) {
            throw new IOException("server.document-root %s cannot be used: %s".formatted(documentRoot, e), e);
        }
    }

    private static ServerTlsContext tls(SluiceConfig config) throws IOException {
        if (config.server().tls() == null) {
            return null;
        }
        try {
            return ServerTlsContext.build(config.server().tls(), config.server().handshakeTimeout());
        } catch (SSLException e) {
            throw new IOException("server.tls: the TLS library refused the certificate or key: " + e.getMessage(),
                    e);
        }
    }

    /**
     * Applies a reloaded configuration whose listener-level settings are the running ones (see
     * {@code ConfigChange}): the document root and TLS material are taken up first (the loader has read the
     * certificate files again), then {@code nextRegistry} is asked for the registry of the new routes (the
     * supervisor's reload), and only then the new context replaces the old one in one volatile write, so every
     * request is answered by one configuration. New handshakes use the new certificate; live sessions keep theirs.
     * Sessions whose route the new configuration changed or removed keep running until they end, or until
     * {@code graceful-shutdown-timeout} (the new one) passes: then they get CLOSE 1001 as on a stop.
     *
     * @throws IOException when the document root or the TLS material cannot be used; nothing changed then
     */
    public synchronized void reload(SluiceConfig applied, Supplier<Registry> nextRegistry) throws IOException {
        if (state != State.RUNNING) {
            throw new IllegalStateException("tunnel server must be running to reload; currently " + state);
        }
        StaticFiles staticFiles = staticFiles(applied.server().documentRoot());
        ServerTlsContext tls = tls(applied);
        Registry next = Objects.requireNonNull(nextRegistry.get(), "registry");
        context = context.reloaded(applied, staticFiles, next, tls);
        warnAboutUnservedDevConsoles(applied);
        Duration grace = applied.server().gracefulShutdownTimeout();
        workerGroup.next().schedule(() -> closeRetiredSessions(applied, grace), grace.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * CLOSE 1001 to every session whose route, as it was when the session opened, is not a route of {@code applied}
     * any more (changed or removed). Sessions of kept routes compare equal and stay. Runs on an event loop; each
     * close runs on its session's loop.
     */
    private void closeRetiredSessions(SluiceConfig applied, Duration grace) {
        int closing = 0;
        for (Channel client : clients) {
            RouteSpec route = client.attr(UpgradeHandler.ROUTE).get();
            if (route != null && !applied.route(route.key()).map(route::equals).orElse(false)) {
                closing++;
                client.eventLoop().execute(() -> client.pipeline().fireUserEventTriggered(ClientFrameHandler.SHUTDOWN));
            }
        }
        if (closing > 0) {
            LOG.info("reload: graceful-shutdown-timeout ({} ms) passed; closing {} session(s) of changed or removed "
                    + "routes with 1001", grace.toMillis(), closing);
        }
    }

    /**
     * Graceful and idempotent: stops accepting, sends CLOSE 1001 to every client, flushes pending bytes both ways,
     * gives backends EOF, waits up to {@code server.graceful-shutdown-timeout}, then forces; shuts the loops down.
     */
    public synchronized void stop() {
        if (state != State.RUNNING) {
            state = State.STOPPED;
            return;
        }
        state = State.STOPPED;
        serverChannel.close().awaitUninterruptibly();
        for (Channel client : clients) {
            client.eventLoop().execute(() -> client.pipeline().fireUserEventTriggered(ClientFrameHandler.SHUTDOWN));
        }
        Duration grace = context.config().server().gracefulShutdownTimeout();
        long deadline = System.nanoTime() + grace.toNanos();
        // Only channels of an event loop can close: whatever else a failure left in a group is not waited for.
        clients.newCloseFuture(Channel::isRegistered).awaitUninterruptibly(Math.max(1, remainingMs(deadline)));
        backends.newCloseFuture(Channel::isRegistered).awaitUninterruptibly(Math.max(1, remainingMs(deadline)));
        if (!clients.isEmpty() || !backends.isEmpty()) {
            LOG.info("graceful stop took longer than {}; closing {} client and {} backend connections", grace,
                    clients.size(), backends.size());
            clients.close(Channel::isRegistered).awaitUninterruptibly(2, TimeUnit.SECONDS);
            backends.close(Channel::isRegistered).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        shutDownLoops();
        LOG.info("stopped");
    }

    private static long remainingMs(long deadlineNanos) {
        return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    }

    private void shutDownLoops() {
        if (workerGroup != null) {
            workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** The event loops that relay tunnels (for their queue gauges); empty before start. */
    public synchronized List<EventExecutor> eventLoops() {
        List<EventExecutor> loops = new ArrayList<>();
        if (workerGroup != null) {
            workerGroup.forEach(loops::add);
        }
        return loops;
    }

    /** Live counters; safe from any thread. */
    public TunnelStats stats() {
        return stats;
    }
}
