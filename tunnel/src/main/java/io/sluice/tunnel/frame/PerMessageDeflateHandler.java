package io.sluice.tunnel.frame;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.zip.Deflater;

/**
 * The sending half of permessage-deflate (RFC 7692): every TEXT and BINARY message to the client goes out
 * compressed, RSV1 on its first frame; control frames pass untouched. Sits in front of the frame encoder. Confined
 * to the client channel's event loop; {@code handlerRemoved} frees zlib's memory.
 */
public final class PerMessageDeflateHandler extends ChannelOutboundHandlerAdapter {
    private static final int RSV1 = 0x4;

    private final MessageDeflater deflater;

    public PerMessageDeflateHandler(DeflateAgreement agreement) {
        this.deflater = new MessageDeflater(Deflater.DEFAULT_COMPRESSION, agreement.serverNoContextTakeover());
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame
                || msg instanceof ContinuationWebSocketFrame)) {
            ctx.write(msg, promise);
            return;
        }
        WebSocketFrame frame = (WebSocketFrame) msg;
        WebSocketFrame compressed;
        try {
            ByteBuf payload = deflater.deflate(ctx.alloc(), frame.content(), frame.isFinalFragment());
            boolean fin = frame.isFinalFragment();
            if (frame instanceof TextWebSocketFrame) {
                compressed = new TextWebSocketFrame(fin, frame.rsv() | RSV1, payload);
            } else if (frame instanceof BinaryWebSocketFrame) {
                compressed = new BinaryWebSocketFrame(fin, frame.rsv() | RSV1, payload);
            } else {
                compressed = new ContinuationWebSocketFrame(fin, frame.rsv(), payload);
            }
        } catch (RuntimeException e) {
            promise.tryFailure(e);
            return;
        } finally {
            frame.release();
        }
        ctx.write(compressed, promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        deflater.end();
    }
}
