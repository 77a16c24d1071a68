package io.sluice.tunnel.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * The receiving half of permessage-deflate (RFC 7692), between {@link ClientFrameDecoder} and the session: compressed
 * chunks are inflated into ordinary {@link ClientDataChunk}s, and only on demand, like socket reads. Each read the
 * session asks for ({@code read()}) yields at most {@link #READ_BUDGET} inflated bytes, then
 * {@code channelReadComplete}; the client's socket is read again only once everything already received has gone
 * downstream. So a 64 KiB read that inflates to 64 MiB is still bounded by the water marks plus one read, the way an
 * uncompressed one is. Inflated text is checked for UTF-8 here (1007), sizes and ratios in {@link MessageInflater}
 * (1009), bad DEFLATE data gives {@link InvalidCompressedDataException} (1007).
 *
 * <p>Order is kept: once a compressed chunk waits, every data chunk and CLOSE behind it waits too (at most what one
 * socket read decoded to). PING and PONG pass at once, since their answers do not go to the backend. After a
 * violation everything is released unread. Confined to the client channel's event loop; {@code handlerRemoved} frees
 * what is held, zlib's memory included.
 */
public final class PerMessageInflateHandler extends ChannelDuplexHandler {
    /** Inflated bytes per read: what one socket read may deliver (the largest read buffer). */
    static final int READ_BUDGET = 64 * 1024;

    private final MessageInflater inflater;
    private final boolean validateText;
    private final Utf8Validator utf8 = new Utf8Validator();
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    /** The queue's head, once handed to the inflater as input. */
    private ClientDataChunk feeding;
    private boolean drainScheduled;
    private boolean failed;
    private boolean removed;

    /**
     * @param maxMessageSize  largest inflated message (1009 above); 0 = unlimited
     * @param maxInflateRatio largest inflated/compressed ratio of a message past {@code ratioFloor}; 0 = unchecked
     * @param agreement       the negotiated parameters
     * @param validateText    whether inflated TEXT messages must be UTF-8
     */
    public PerMessageInflateHandler(long maxMessageSize, int maxInflateRatio, long ratioFloor,
                                    DeflateAgreement agreement, boolean validateText) {
        this.inflater = new MessageInflater(maxMessageSize, maxInflateRatio, ratioFloor,
                agreement.clientNoContextTakeover());
        this.validateText = validateText;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (failed || removed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        boolean compressed = msg instanceof ClientDataChunk chunk && chunk.compressed();
        if (queue.isEmpty() && !compressed || msg instanceof PingWebSocketFrame || msg instanceof PongWebSocketFrame) {
            ctx.fireChannelRead(msg);
            return;
        }
        queue.add(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!queue.isEmpty()) {
            produce(ctx); // this socket read's share
        }
        if (!removed) {
            ctx.fireChannelReadComplete();
        }
    }

    /** A read asked for while input waits is served from it, asynchronously as a socket read would be. */
    @Override
    public void read(ChannelHandlerContext ctx) {
        if (queue.isEmpty() || failed) {
            ctx.read();
            return;
        }
        if (drainScheduled) {
            return;
        }
        drainScheduled = true;
        ctx.executor().execute(() -> {
            drainScheduled = false;
            if (removed) {
                return;
            }
            if (queue.isEmpty() || failed) {
                ctx.read();
                return;
            }
            produce(ctx);
            if (!removed) {
                ctx.fireChannelReadComplete();
            }
        });
    }

    /** Sends waiting input downstream in order, inflating at most {@link #READ_BUDGET} bytes. */
    private void produce(ChannelHandlerContext ctx) {
        int budget = READ_BUDGET;
        try {
            while (budget > 0 && !queue.isEmpty() && !removed && !failed) {
                Object head = queue.peek();
                if (!(head instanceof ClientDataChunk chunk) || !chunk.compressed()) {
                    queue.poll();
                    budget -= head instanceof ByteBufHolder holder ? holder.content().readableBytes() : 0;
                    ctx.fireChannelRead(head);
                    continue;
                }
                if (feeding != chunk) {
                    if (!inflater.inMessage()) {
                        utf8.reset();
                    }
                    feeding = chunk;
                    inflater.input(chunk.content(), chunk.endOfMessage());
                }
                ByteBuf piece = inflater.inflate(ctx.alloc(), budget);
                if (piece != null) {
                    budget -= piece.readableBytes();
                    emit(ctx, piece, chunk.text());
                    continue;
                }
                queue.poll();
                feeding = null;
                chunk.release();
                if (chunk.endOfMessage()) {
                    endMessage(ctx, chunk.text());
                }
            }
        } catch (CorruptedWebSocketFrameException | InvalidCompressedDataException e) {
            failed = true;
            releaseQueued();
            ctx.fireExceptionCaught(e);
        }
    }

    private void emit(ChannelHandlerContext ctx, ByteBuf piece, boolean text) {
        if (text && validateText) {
            int bad = utf8.feed(piece, piece.readerIndex(), piece.writerIndex());
            if (bad >= 0) {
                piece.writerIndex(bad);
                if (piece.isReadable()) {
                    ctx.fireChannelRead(new ClientDataChunk(piece, true, false));
                } else {
                    piece.release();
                }
                throw invalidUtf8("invalid UTF-8 in a text message");
            }
        }
        ctx.fireChannelRead(new ClientDataChunk(piece, text, false));
    }

    private void endMessage(ChannelHandlerContext ctx, boolean text) {
        if (text && validateText && !utf8.isComplete()) {
            throw invalidUtf8("text message ends inside a UTF-8 sequence");
        }
        ctx.fireChannelRead(new ClientDataChunk(Unpooled.EMPTY_BUFFER, text, true));
    }

    private static CorruptedWebSocketFrameException invalidUtf8(String message) {
        return new CorruptedWebSocketFrameException(WebSocketCloseStatus.INVALID_PAYLOAD_DATA, message);
    }

    private void releaseQueued() {
        feeding = null;
        for (Object msg; (msg = queue.poll()) != null; ) {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Bytes waiting to be inflated or passed on (at most what one socket read decoded to). */
    int queuedBytes() {
        return queue.stream().mapToInt(m -> m instanceof ByteBufHolder h ? h.content().readableBytes() : 0).sum();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        removed = true;
        releaseQueued();
        inflater.end();
    }
}
