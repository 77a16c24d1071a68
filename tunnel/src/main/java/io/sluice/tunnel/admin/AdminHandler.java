package io.sluice.tunnel.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one admin request: GET or HEAD for endpoints, POST for actions (such as /reload); the bearer token (when
 * configured) for every path but /healthz; then the endpoint or action of the path, or 404. An action answers when its
 * work is done, off the event loop. Responses carry their length, so connections are kept alive when the client asks.
 * Stateless apart from the shared, immutable tables; runs on the admin event loop.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
    static final String HEALTHZ = "/healthz";

    private final Map<String, AdminEndpoint> endpoints;
    private final Map<String, AdminAction> actions;
    private final BearerToken token;

    /** {@code token} is null when none is configured. */
    AdminHandler(Map<String, AdminEndpoint> endpoints, Map<String, AdminAction> actions, BearerToken token) {
        this.endpoints = endpoints;
        this.actions = actions;
        this.token = token;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        String allow = actions.containsKey(path) ? "POST" : "GET, HEAD";
        AdminAction action = request.decoderResult().isSuccess() && request.method().equals(HttpMethod.POST)
                ? actions.get(path) : null;
        if (action != null && authorized(request, path)) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            CompletionStage<AdminResponse> done;
            try {
                done = action.perform();
            } catch (RuntimeException e) {
                done = CompletableFuture.failedFuture(e);
            }
            String uri = request.uri();
            done.whenComplete((answer, failure) -> ctx.executor().execute(() -> respond(ctx, keepAlive, false,
                    failure == null ? answer : failed(uri, failure), allow)));
            return;
        }
        respond(ctx, HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess(),
                request.method().equals(HttpMethod.HEAD), answer(request), allow);
    }

    private static AdminResponse failed(String uri, Throwable failure) {
        LOG.warn("admin action {} failed", uri, failure);
        return AdminResponse.text(500, "internal error: " + failure);
    }

    private boolean authorized(FullHttpRequest request, String path) {
        return token == null || path.equals(HEALTHZ) || StatusPage.isAsset(path)
                || token.admits(request.headers().get(HttpHeaderNames.AUTHORIZATION));
    }

    private static void respond(ChannelHandlerContext ctx, boolean keepAlive, boolean head, AdminResponse answer,
                                String allow) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(answer.status()),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(answer.body()));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, answer.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (answer.status() == 401) {
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"sluice\"");
        } else if (answer.status() == 405) {
            response.headers().set(HttpHeaderNames.ALLOW, allow);
        }
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(f -> ctx.close());
        }
    }

    private AdminResponse answer(FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            return AdminResponse.text(400, "malformed request");
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        if (actions.containsKey(path)) {
            // An authorized POST was performed already; only a wrong method or a missing token is left.
            return request.method().equals(HttpMethod.POST)
                    ? AdminResponse.text(401, "a bearer token is required (Authorization: Bearer TOKEN)")
                    : AdminResponse.text(405, "only POST");
        }
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
            return AdminResponse.text(405, "only GET and HEAD");
        }
        if (!authorized(request, path)) {
            return AdminResponse.text(401, "a bearer token is required (Authorization: Bearer TOKEN)");
        }
        AdminEndpoint endpoint = endpoints.get(path);
        if (endpoint == null) {
            return AdminResponse.text(404, "no such endpoint; try /healthz, /readyz, /status, /metrics or "
                    + "/status.html");
        }
        try {
            return endpoint.handle(new AdminRequest(path, uri.parameters(),
                    request.headers().get(HttpHeaderNames.ACCEPT, "")));
        } catch (RuntimeException e) {
            LOG.warn("admin endpoint {} failed", path, e);
            return AdminResponse.text(500, "internal error: " + e);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            LOG.debug("admin connection {} failed", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }
}
