package io.sluice.tunnel.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;

/**
 * Refuses, from its head alone, an upgrade request that announces a body ({@code Transfer-Encoding}, or a
 * {@code Content-Length} other than 0) with 400 at once. A WebSocket handshake is a bodiless GET (RFC 6455 4.1); the
 * aggregator behind would otherwise wait for a chunked body until {@code handshake-timeout}, or take the first bytes
 * of the tunnel as a body: the shape of request smuggling through a proxy that frames the request differently. Sits
 * between the codec and the aggregator and removes itself once an upgrade request passed (what follows is frames).
 * Plain requests pass untouched. Confined to the channel's event loop.
 */
final class BodilessUpgradeHandler extends ChannelInboundHandlerAdapter {
    private boolean refused;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg); // the rest of a refused request; the connection is closing
            return;
        }
        if (msg instanceof HttpRequest request && Handshake.isUpgrade(request)) {
            String problem = announcedBody(request.headers());
            if (problem != null) {
                refused = true;
                ReferenceCountUtil.release(msg);
                HttpResponses.sendAndClose(ctx, HttpResponses.error(HttpResponseStatus.BAD_REQUEST, problem));
                return;
            }
            ctx.pipeline().remove(this);
        }
        ctx.fireChannelRead(msg);
    }

    /** Why the head announces a body, or null when it announces none. */
    static String announcedBody(HttpHeaders headers) {
        if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            return "an upgrade request has no body; Transfer-Encoding is not allowed";
        }
        String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null && !length.trim().equals("0")) {
            return "an upgrade request has no body; Content-Length must be 0 or absent";
        }
        return null;
    }
}
