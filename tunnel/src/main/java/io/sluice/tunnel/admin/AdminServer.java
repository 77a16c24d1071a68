package io.sluice.tunnel.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.sluice.tunnel.config.AdminOptions;
import io.sluice.tunnel.server.Transport;
import io.sluice.tunnel.server.Transports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener: plain HTTP/1.1 on its own address and its own single event-loop thread, so operators get
 * answers even when the tunnel's loops are saturated, and a slow scrape never delays a tunnel. Endpoints are added
 * before {@link #start()}; {@link #start()} and {@link #stop()} are called from one control thread.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    /** Requests here are bodiless GETs and POSTs. */
    private static final int MAX_REQUEST_BODY = 8 * 1024;
    /** An idle admin connection (a scraper's keep-alive) is closed after this long. */
    private static final int IDLE_SECONDS = 60;

    private final AdminOptions options;
    private final Map<String, AdminEndpoint> endpoints = new LinkedHashMap<>();
    private final Map<String, AdminAction> actions = new LinkedHashMap<>();
    private EventLoopGroup group;
    private Channel channel;

    /** A listener with /healthz (200 while the process runs) and /readyz from {@code readiness}. */
    public AdminServer(AdminOptions options, Readiness readiness) {
        this.options = Objects.requireNonNull(options, "options");
        endpoints.put(AdminHandler.HEALTHZ, request -> AdminResponse.text(200, "ok"));
        endpoints.put("/readyz", readiness::endpoint);
    }

    /** Adds (or replaces) the endpoint at {@code path}; before {@link #start()} only. */
    public synchronized AdminServer add(String path, AdminEndpoint endpoint) {
        if (group != null) {
            throw new IllegalStateException("endpoints are added before the admin listener starts");
        }
        endpoints.put(path, Objects.requireNonNull(endpoint, "endpoint"));
        return this;
    }

    /** Adds the POST action at {@code path} (always behind the token when there is one); before {@link #start()}. */
    public synchronized AdminServer addAction(String path, AdminAction action) {
        if (group != null) {
            throw new IllegalStateException("actions are added before the admin listener starts");
        }
        actions.put(path, Objects.requireNonNull(action, "action"));
        return this;
    }

    /**
     * Binds {@code admin.bind:admin.port}, logs "admin listening on http://HOST:PORT" and returns the bound address.
     *
     * @throws IOException when the address cannot be bound; the message names it
     */
    public synchronized InetSocketAddress start() throws IOException, InterruptedException {
        if (group != null) {
            throw new IllegalStateException("the admin listener is already started");
        }
        Map<String, AdminEndpoint> table = Map.copyOf(endpoints);
        Map<String, AdminAction> posts = Map.copyOf(actions);
        BearerToken token = options.hasToken() ? new BearerToken(options.token()) : null;
        Transport transport = Transports.forAdmin();
        group = transport.newGroup(1, "sluice-admin");
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(new ReadTimeoutHandler(IDLE_SECONDS))
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(MAX_REQUEST_BODY))
                                .addLast(new AdminHandler(table, posts, token));
                    }
                });
        try {
            channel = bootstrap.bind(options.bind(), options.port()).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("admin listener cannot listen on %s:%d: %s".formatted(options.bind(),
                    options.port(), e.getMessage()), e);
        }
        InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
        LOG.info("admin listening on http://{}:{}{}", bound.getHostString(), bound.getPort(),
                options.hasToken() ? " (bearer token required)" : "");
        return bound;
    }

    /** Closes the listener and its connections; idempotent. */
    public synchronized void stop() {
        if (group == null || group.isShuttingDown()) {
            return;
        }
        if (channel != null) {
            channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        stop();
    }
}
