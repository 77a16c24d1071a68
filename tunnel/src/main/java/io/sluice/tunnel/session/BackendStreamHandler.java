package io.sluice.tunnel.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend side of a session: bytes read become frames for the client, writability drives the client's reads,
 * EOF ends the session with 1000 and a failure with 1011. Confined to the session's event loop.
 */
final class BackendStreamHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(BackendStreamHandler.class);

    private final TunnelSession session;
    private final SessionRelay relay;

    BackendStreamHandler(TunnelSession session, SessionRelay relay) {
        this.session = session;
        this.relay = relay;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes) {
            relay.fromBackend(bytes);
        } else {
            SessionRelay.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        relay.backendReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        relay.backendWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // Half-closure is off on backend channels: EOF from the backend closes the channel and lands here.
        session.close(CloseReason.BACKEND_EOF);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("route={} backend={} failed: {}", session.route(), ctx.channel().remoteAddress(),
                    cause.toString());
        } else {
            LOG.warn("route={} backend={} unexpected failure", session.route(), ctx.channel().remoteAddress(), cause);
        }
        session.close(CloseReason.BACKEND_ERROR);
    }
}
