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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one admin request: GET or HEAD only; the bearer token (when configured) for every path but /healthz;
 * then the endpoint of the path, or 404. Responses carry their length, so connections are kept alive when the client
 * asks. Stateless apart from the shared, immutable endpoint table; runs on the admin event loop.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
    static final String HEALTHZ = "/healthz";

    private final Map<String, AdminEndpoint> endpoints;
    private final BearerToken token;

    /** {@code token} is null when none is configured. */
    AdminHandler(Map<String, AdminEndpoint> endpoints, BearerToken token) {
        this.endpoints = endpoints;
        this.token = token;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        AdminResponse answer = answer(request);
        boolean head = request.method().equals(HttpMethod.HEAD);
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
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
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
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
            return AdminResponse.text(405, "only GET and HEAD");
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        if (token != null && !path.equals(HEALTHZ) && !StatusPage.isAsset(path)
                && !token.admits(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
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
