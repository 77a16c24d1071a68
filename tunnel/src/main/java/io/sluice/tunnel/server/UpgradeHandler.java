package io.sluice.tunnel.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.spawner.registry.SelectionKey;
import io.sluice.spawner.registry.SessionRequest;
import io.sluice.tunnel.cgi.CgiEnvironment;
import io.sluice.tunnel.cgi.CgiRequest;
import io.sluice.tunnel.cgi.CgiSession;
import io.sluice.tunnel.config.RouteSpec;
import io.sluice.tunnel.config.CompressionOptions;
import io.sluice.tunnel.frame.ClientFrameDecoder;
import io.sluice.tunnel.frame.DeflateAgreement;
import io.sluice.tunnel.frame.PerMessageDeflateHandler;
import io.sluice.tunnel.frame.PerMessageInflateHandler;
import io.sluice.tunnel.tls.ClientTls;
import io.sluice.tunnel.session.ClientAddresses;
import io.sluice.tunnel.session.ClientFrameHandler;
import io.sluice.tunnel.session.CloseReason;
import io.sluice.tunnel.session.TunnelSession;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The HTTP phase of one client connection: a route's dev console, static files or 404 for plain requests; for an
 * upgrade, the checks (route, origin, version, key), then acquire and connect, and only then the 101 and the switch to
 * WebSocket framing. Enforces
 * {@code max-connections} (503 and close at once) and {@code handshake-timeout} (a request that does not complete, or
 * an upgrade that does not finish, in time closes the connection). AUTO_READ is off: the client is read again only
 * while what it was answered fits the water mark, so pipelined requests whose answers are never read cost at most the
 * high mark plus the answers to one read. Confined to the client channel's loop.
 */
final class UpgradeHandler extends ChannelInboundHandlerAdapter implements TunnelSession.ConnectListener {
    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    /** SERVER_SOFTWARE for per-connection programs: the jar's version, as {@code sluice --version} reports it. */
    private static final String SERVER_SOFTWARE = "sluice/" + Objects.requireNonNullElse(
            UpgradeHandler.class.getPackage().getImplementationVersion(), "development");

    /**
     * The route a WebSocket session of this channel was opened on, as it was configured then: a reload that changes
     * or removes the route closes the session with 1001 once the drain time passed (TunnelServer).
     */
    static final AttributeKey<RouteSpec> ROUTE = AttributeKey.valueOf("sluice.route");

    /** The server's current context; read again for every request, so that a reload applies to the next one. */
    private final Supplier<ServerContext> current;
    /** The context of the request being answered (one reload generation: route table and registry together). */
    private ServerContext server;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> handshakeTimer;
    private int responsesInFlight;
    private TunnelSession session;
    private Handshake.Accepted accepted;
    /** permessage-deflate as agreed for this upgrade; null when off or not offered. */
    private DeflateAgreement deflate;
    /** Client bytes that arrived after the upgrade request (pipelined frames), replayed into the frame decoder. */
    private CompositeByteBuf early;
    /** The request URI while an upgrade request is being answered; its refusal is reported to operators. */
    private String upgradeUri;
    /** True while a request is being handled: a backend connect that completes inside it waits for the read's end. */
    private boolean handlingRequest;
    /** A session whose backend connected while its request was still being read; switched at the read's end. */
    private TunnelSession connectedDuringRead;

    /** A handler whose server never reloads (tests). */
    UpgradeHandler(ServerContext server) {
        this(() -> server);
    }

    UpgradeHandler(Supplier<ServerContext> current) {
        this.current = current;
        this.server = current.get();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.fireChannelActive();
        if (!server.connections().tryAdmit()) {
            // Beyond max-connections nothing is kept, not even for handshake-timeout: a best-effort 503 without
            // reading anything, then close, so the cap bounds descriptors and memory too.
            HttpResponses.sendAndClose(ctx, HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "too many connections"));
            return;
        }
        ctx.channel().closeFuture().addListener(f -> server.connections().closed());
        armHandshakeTimer();
        ctx.read();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (connectedDuringRead != null) {
            // The switch replays the bytes read behind the request into the frame decoder with their own read end.
            TunnelSession connected = connectedDuringRead;
            connectedDuringRead = null;
            switchToWebSocket(connected);
            return;
        }
        readIfAnswersFit();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        readIfAnswersFit();
        ctx.fireChannelWritabilityChanged();
    }

    /** Reads the next requests while the HTTP phase lasts and the answers so far are below the high water mark. */
    private void readIfAnswersFit() {
        if (session == null && ctx.channel().isActive() && ctx.channel().isWritable()) {
            ctx.read();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest request) {
            handlingRequest = true;
            try {
                onRequest(request);
            } finally {
                handlingRequest = false;
                request.release();
            }
        } else if (msg instanceof ByteBuf bytes && session != null) {
            if (early == null) {
                early = ctx.alloc().compositeBuffer();
            }
            early.addComponent(true, bytes);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(FullHttpRequest request) {
        if (session != null) {
            return; // an upgrade is in progress; nothing else is read until it ends
        }
        server = current.get();
        upgradeUri = Handshake.isUpgrade(request) ? request.uri() : null;
        if (!request.decoderResult().isSuccess()) {
            reject(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
            return;
        }
        Handshake.Verdict verdict = Handshake.check(request, server.routes());
        if (verdict instanceof Handshake.NotUpgrade plain) {
            RouteSpec console = server.devConsoleFor(plain.path());
            if (console != null && (request.method().equals(HttpMethod.GET)
                    || request.method().equals(HttpMethod.HEAD))) {
                serveDevConsole(request, console);
            } else {
                serveStatic(request, plain.path());
            }
        } else if (verdict instanceof Handshake.Rejected rejected) {
            reject(rejected.status(), rejected.text());
        } else {
            beginUpgrade(request, (Handshake.Accepted) verdict);
        }
    }

    private void serveStatic(FullHttpRequest request, RequestPath path) {
        if (server.staticFiles() == null) {
            reject(HttpResponseStatus.NOT_FOUND, "not found");
            return;
        }
        answer(() -> server.staticFiles().serve(ctx, request, path));
    }

    /** The route's {@code dev-console} page (only routes that ask for it, on a loopback bind). */
    private void serveDevConsole(FullHttpRequest request, RouteSpec route) {
        answer(() -> {
            FullHttpResponse page = DevConsole.page(route, request.method().equals(HttpMethod.GET));
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (!keepAlive) {
                page.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            ChannelFuture sent = ctx.writeAndFlush(page);
            return keepAlive ? sent : sent.addListener(ChannelFutureListener.CLOSE);
        });
    }

    /** Sends a plain HTTP answer; once it is out, a keep-alive connection must send its next request in time. */
    private void answer(Supplier<ChannelFuture> send) {
        cancelHandshakeTimer(); // a large download may outlast the handshake timeout
        responsesInFlight++;
        ChannelFuture done = send.get();
        ChannelOutboundBuffer queued = ctx.channel().unsafe().outboundBuffer();
        if (queued != null) {
            server.stats().httpPending(queued.totalPendingWriteBytes());
        }
        done.addListener(f -> {
            if (--responsesInFlight == 0 && ctx.channel().isActive()) {
                armHandshakeTimer(); // keep-alive: the next request must come in time
            }
        });
    }

    private void beginUpgrade(FullHttpRequest request, Handshake.Accepted verdict) {
        String key = null;
        if (verdict.route().keyRule() != null) {
            SessionKey.Found found = SessionKey.of(verdict.route().keyRule(), verdict.route().key(), request,
                    verdict.path(), ClientAddresses.remoteOf(ctx.channel()));
            if (found.refusal() != null) {
                reject(HttpResponseStatus.BAD_REQUEST, found.refusal());
                return;
            }
            key = found.key();
        }
        accepted = verdict;
        deflate = server.config().compresses(verdict.route())
                ? DeflateNegotiation.accept(request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS)) : null;
        ctx.channel().attr(ROUTE).set(verdict.route());
        ChannelPipeline pipeline = ctx.pipeline();
        ctx.channel().config().setAutoRead(false);
        session = new TunnelSession(ctx.channel(), verdict.route().key(), verdict.format(),
                server.settingsFor(verdict.route()), server.connector(), server.framingFor(verdict.route()),
                server.stats());
        // Stop HTTP parsing now: anything after the request is WebSocket frames. Removing the decoder hands its
        // leftover bytes (frames sent in the same packet as the request) to channelRead at once, which keeps them
        // for the frame decoder only because the session above already exists.
        pipeline.remove(HttpObjectAggregator.class);
        pipeline.get(HttpServerCodec.class).removeInboundHandler();
        session.connect(server.registry(), new SessionRequest(selectionKey(request, verdict), session.id(), key,
                programEnvironment(request, verdict, session.id())), this);
    }

    /**
     * The CGI variables of a per-connection route's program, captured from {@code request} now (it is released when
     * this read ends) and encoded only if the spawner asks, which it does once, when it spawns the session's program.
     * Other routes pay nothing.
     */
    private Supplier<List<byte[]>> programEnvironment(FullHttpRequest request, Handshake.Accepted verdict,
                                                      String sessionId) {
        RouteSpec route = verdict.route();
        if (route.cgi() == null) {
            return List::of;
        }
        String path = verdict.path().bytes();
        String key = new String(route.key().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        // A prefix route reached through map-extensions did not match by its prefix: the whole path is the script.
        boolean prefix = route.isPrefix() && path.startsWith(key);
        CgiRequest facts = CgiRequest.of(request, inet(ClientAddresses.localOf(ctx.channel())),
                inet(ClientAddresses.remoteOf(ctx.channel())), path, key, prefix);
        CgiSession session = new CgiSession(route.key(), sessionId, route.cgi().passCredentials(), SERVER_SOFTWARE,
                ClientTls.of(ctx.channel()));
        return () -> CgiEnvironment.entries(facts, session);
    }

    /** A TCP connection's address; anything else (an embedded test channel) reads as 0.0.0.0 port 0. */
    private static InetSocketAddress inet(SocketAddress address) {
        return address instanceof InetSocketAddress inet && inet.getAddress() != null ? inet
                : new InetSocketAddress(0);
    }

    private SelectionKey selectionKey(FullHttpRequest request, Handshake.Accepted verdict) {
        String host = request.headers().get(HttpHeaderNames.HOST, "");
        SocketAddress remote = ClientAddresses.remoteOf(ctx.channel());
        String client = remote instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(remote);
        return new SelectionKey(verdict.path().text(), host.toLowerCase(Locale.ROOT), client);
    }

    /**
     * A unix socket connects at once, inside the read of the request, while the HTTP decoder is still in the pipeline
     * and has not yet handed over the bytes behind the request: the switch then waits for the end of that read
     * ({@link #channelReadComplete}). Switching there also asks for the next read before Netty would stop watching
     * the socket, which saves two epoll_ctl calls per session.
     */
    @Override
    public void connected(TunnelSession connected) {
        if (handlingRequest) {
            connectedDuringRead = connected;
            return;
        }
        switchToWebSocket(connected);
    }

    private void switchToWebSocket(TunnelSession connected) {
        cancelHandshakeTimer();
        ChannelPipeline pipeline = ctx.pipeline();
        // The response is encoded synchronously by the codec's encoder half, so the codec can go right after.
        ctx.writeAndFlush(switchingProtocols(accepted, deflate));
        pipeline.remove(HttpServerCodec.class);
        long maxMessageSize = server.config().server().maxMessageSize();
        pipeline.addBefore(ctx.name(), "ws-encoder", new WebSocket08FrameEncoder(false));
        pipeline.addBefore(ctx.name(), "ws-decoder", new ClientFrameDecoder(maxMessageSize, true, deflate != null));
        if (deflate != null) {
            addCompression(pipeline, maxMessageSize);
        }
        pipeline.addBefore(ctx.name(), "ws-session", connected.clientHandler());
        pipeline.remove(this);
        connected.open();
        if (early != null) {
            CompositeByteBuf replay = early;
            early = null;
            pipeline.fireChannelRead(replay);
            pipeline.fireChannelReadComplete();
        }
    }

    /** permessage-deflate: inflate behind the frame decoder, deflate in front of the frame encoder. */
    private void addCompression(ChannelPipeline pipeline, long maxMessageSize) {
        CompressionOptions options = server.config().server().compression();
        pipeline.addBefore(ctx.name(), "ws-inflate", new PerMessageInflateHandler(maxMessageSize,
                options.maxInflateRatio(), CompressionOptions.RATIO_FLOOR_BYTES, deflate, true));
        pipeline.addBefore(ctx.name(), "ws-deflate", new PerMessageDeflateHandler(deflate));
    }

    @Override
    public void unavailable(TunnelSession failed, int status, String reason) {
        reject(HttpResponseStatus.valueOf(status), reason);
    }

    static FullHttpResponse switchingProtocols(Handshake.Accepted verdict, DeflateAgreement deflate) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.SWITCHING_PROTOCOLS);
        response.headers()
                .set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
                .set(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT, acceptFor(verdict.key()));
        if (verdict.subprotocol() != null) {
            response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, verdict.subprotocol());
        }
        if (deflate != null) {
            response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, deflate.responseHeader());
        }
        return response;
    }

    static String acceptFor(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every JDK", e);
        }
    }

    private void reject(HttpResponseStatus status, String text) {
        FullHttpResponse response = HttpResponses.error(status, text);
        if (status.equals(HttpResponseStatus.UPGRADE_REQUIRED)) {
            response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
        }
        cancelHandshakeTimer();
        if (upgradeUri != null) {
            server.refused(ctx.channel(), upgradeUri, status, text);
        }
        HttpResponses.sendAndClose(ctx, response);
    }

    private void armHandshakeTimer() {
        long ms = server.config().server().handshakeTimeout().toMillis();
        if (ms > 0) {
            handshakeTimer = ctx.executor().schedule(this::handshakeTimedOut, ms, TimeUnit.MILLISECONDS);
        }
    }

    private void cancelHandshakeTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
            handshakeTimer = null;
        }
    }

    private void handshakeTimedOut() {
        handshakeTimer = null;
        if (session != null) {
            session.close(CloseReason.CLIENT_GONE);
        } else {
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ClientFrameHandler.SHUTDOWN) {
            if (session != null) {
                session.close(CloseReason.SHUTDOWN);
            } else {
                ctx.close();
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelHandshakeTimer();
        if (session != null) {
            session.close(CloseReason.CLIENT_GONE);
        }
        releaseEarly();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelHandshakeTimer();
    }

    private void releaseEarly() {
        if (early != null) {
            early.release();
            early = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Before the upgrade nothing is owed to anyone: a broken HTTP connection just closes.
        if (session != null) {
            session.close(CloseReason.CLIENT_GONE);
        } else {
            ctx.close();
        }
    }
}
