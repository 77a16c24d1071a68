package io.sluice.tunnel.session;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.sluice.tunnel.frame.ClientDataChunk;
import io.sluice.tunnel.frame.InvalidCompressedDataException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of a session, after the 101: data chunks go to the backend, PING is answered with PONG (in order;
 * coalesced to the latest while the client does not read, see {@link SessionRelay#pingReceived}), PONG is noted, CLOSE starts the close handshake, and every
 * way the client channel can fail ends in {@link TunnelSession#close}. Confined to the client channel's event loop.
 */
public final class ClientFrameHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ClientFrameHandler.class);

    /** Fired through a client pipeline to ask for a graceful close (server stop or reload drain). */
    public static final Object SHUTDOWN = new Object() {
        @Override
        public String toString() {
            return "SHUTDOWN";
        }
    };

    private final TunnelSession session;
    private final SessionRelay relay;
    private final SessionTimers timers;

    ClientFrameHandler(TunnelSession session, SessionRelay relay, SessionTimers timers) {
        this.session = session;
        this.relay = relay;
        this.timers = timers;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        timers.clientFrameSeen();
        if (msg instanceof ClientDataChunk chunk) {
            relay.fromClient(chunk.content(), chunk.endOfMessage());
        } else if (msg instanceof PingWebSocketFrame ping) {
            if (session.state() == SessionState.OPEN) {
                relay.pingReceived(ping.content());
            } else {
                ping.release();
            }
        } else if (msg instanceof PongWebSocketFrame pong) {
            pong.release();
            timers.pongSeen();
        } else if (msg instanceof CloseWebSocketFrame close) {
            int code = close.content().readableBytes() >= 2 ? close.statusCode() : -1;
            close.release();
            relay.sendPendingPong();
            if (session.state() == SessionState.OPEN) {
                session.clientClosed(code);
            } else {
                relay.closeReplyReceived();
            }
        } else {
            SessionRelay.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        relay.clientReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        relay.clientWritabilityChanged();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.close(CloseReason.CLIENT_GONE);
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == SHUTDOWN) {
            session.close(CloseReason.SHUTDOWN);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof CorruptedWebSocketFrameException corrupted) {
            WebSocketCloseStatus status = corrupted.closeStatus();
            LOG.debug("route={} client={} broke the protocol: {}", session.route(),
                    ClientAddresses.remoteOf(ctx.channel()), corrupted.getMessage());
            session.close(CloseReason.forClientViolation(status == null ? 1002 : status.code()));
        } else if (root instanceof InvalidCompressedDataException invalid) {
            LOG.debug("route={} client={} sent a compressed message that does not inflate: {}", session.route(),
                    ClientAddresses.remoteOf(ctx.channel()), invalid.getMessage());
            session.close(CloseReason.CLIENT_BAD_COMPRESSION);
        } else if (root instanceof IOException) {
            LOG.debug("route={} client={} connection failed: {}", session.route(),
                    ClientAddresses.remoteOf(ctx.channel()), root.toString());
            session.close(CloseReason.CLIENT_GONE);
        } else {
            LOG.warn("route={} client={} unexpected failure", session.route(),
                    ClientAddresses.remoteOf(ctx.channel()), root);
            session.close(CloseReason.INTERNAL_ERROR);
        }
    }
}
