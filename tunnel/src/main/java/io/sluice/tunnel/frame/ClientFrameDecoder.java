package io.sluice.tunnel.frame;

import static io.sluice.tunnel.frame.FrameHeader.protocolError;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;

/**
 * Decodes client (masked) RFC 6455 frames without ever buffering a whole data frame: data payload is unmasked and
 * emitted as {@link ClientDataChunk}s as it arrives; control frames (at most 125 bytes) are emitted whole as Netty's
 * Ping/Pong/CloseWebSocketFrame. Violations raise {@code CorruptedWebSocketFrameException} carrying the close status
 * (1002 protocol, 1007 invalid UTF-8 in a text message, 1009 over {@code maxMessageSize}).
 * Confined to the client channel's event loop.
 *
 * <p>Chunks are retained slices of the channel's read buffers, unmasked in place (a read-only buffer is copied
 * first); between reads the decoder holds at most 13 header bytes or one control payload. A data frame with an empty
 * payload emits nothing, except that an empty FIN frame ending a message emits an empty chunk with
 * {@code endOfMessage}, so every message has an end. Non-minimal length encodings are accepted, as lighttpd does.
 * After a CLOSE frame or a violation all further input is discarded. On invalid UTF-8 the chunk's bytes before the
 * offending byte are still emitted, then the exception is thrown; bytes of earlier chunks were emitted already.
 *
 * <p>With permessage-deflate negotiated, RSV1 on a message's first frame marks it compressed: its chunks carry
 * {@code compressed} and are neither size-checked nor UTF-8-checked here, since only their inflated bytes mean
 * anything ({@link PerMessageInflateHandler} checks those). RSV1 anywhere else is a 1002.
 */
public final class ClientFrameDecoder extends ChannelInboundHandlerAdapter {
    private enum State { HEADER, DATA, CONTROL, DISCARD }

    private final long maxMessageSize;
    private final boolean validateText;
    private final FrameHeader header;
    private final Utf8Validator utf8 = new Utf8Validator();

    private State state = State.HEADER;
    private boolean messageOpen;
    private boolean messageText;
    private boolean messageCompressed;
    private long messageBytes;
    private boolean frameFin;
    private int frameOpcode;
    private int maskKey;
    private int maskOffset;
    private long remaining;
    private ByteBuf control;
    private boolean emittedSinceReadComplete;

    /**
     * @param maxMessageSize largest message in bytes over all its fragments; 0 = unlimited
     * @param validateText   whether TEXT message payloads must be valid UTF-8 (1007 otherwise)
     */
    public ClientFrameDecoder(long maxMessageSize, boolean validateText) {
        this(maxMessageSize, validateText, false);
    }

    /** @param compression whether permessage-deflate was negotiated, so RSV1 may mark a compressed message */
    public ClientFrameDecoder(long maxMessageSize, boolean validateText, boolean compression) {
        this.header = new FrameHeader(compression);
        if (maxMessageSize < 0) {
            throw new IllegalArgumentException("maxMessageSize must be >= 0, got %d".formatted(maxMessageSize));
        }
        this.maxMessageSize = maxMessageSize;
        this.validateText = validateText;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            emit(ctx, msg);
            return;
        }
        try {
            decode(ctx, in);
        } catch (CorruptedWebSocketFrameException e) {
            discardFromNowOn();
            throw e;
        } finally {
            in.release();
        }
    }

    private void decode(ChannelHandlerContext ctx, ByteBuf in) {
        while (in.isReadable()) {
            switch (state) {
                case HEADER -> {
                    if (header.read(in)) {
                        startFrame(ctx);
                    }
                }
                case DATA -> readData(ctx, in);
                case CONTROL -> readControl(ctx, in);
                case DISCARD -> in.skipBytes(in.readableBytes());
            }
        }
    }

    private void startFrame(ChannelHandlerContext ctx) {
        frameOpcode = header.opcode();
        frameFin = header.fin();
        maskKey = header.maskKey();
        maskOffset = 0;
        remaining = header.payloadLength();
        header.reset();
        if (frameOpcode >= FrameHeader.CLOSE) {
            if (remaining == 0) {
                state = State.HEADER;
                emitControl(ctx, Unpooled.EMPTY_BUFFER);
            } else {
                control = ctx.alloc().heapBuffer((int) remaining);
                state = State.CONTROL;
            }
            return;
        }
        if (frameOpcode == FrameHeader.CONTINUATION) {
            if (!messageOpen) {
                throw protocolError("continuation frame without a message to continue");
            }
        } else {
            if (messageOpen) {
                throw protocolError("new data frame while a fragmented message is still open");
            }
            messageOpen = true;
            messageText = frameOpcode == FrameHeader.TEXT;
            messageCompressed = header.rsv1();
            messageBytes = 0;
            utf8.reset();
        }
        if (maxMessageSize > 0 && !messageCompressed && remaining > maxMessageSize - messageBytes) {
            throw new CorruptedWebSocketFrameException(WebSocketCloseStatus.MESSAGE_TOO_BIG,
                    "message over %d bytes".formatted(maxMessageSize));
        }
        messageBytes += remaining;
        if (remaining > 0) {
            state = State.DATA;
        } else {
            state = State.HEADER;
            if (frameFin) {
                endMessage(ctx, Unpooled.EMPTY_BUFFER);
            }
        }
    }

    private void readData(ChannelHandlerContext ctx, ByteBuf in) {
        int n = (int) Math.min(remaining, in.readableBytes());
        ByteBuf payload;
        if (in.isReadOnly()) {
            payload = ctx.alloc().buffer(n).writeBytes(in, n);
            Masking.unmask(payload, payload.readerIndex(), n, maskKey, maskOffset);
        } else {
            Masking.unmask(in, in.readerIndex(), n, maskKey, maskOffset);
            payload = in.readRetainedSlice(n);
        }
        maskOffset = (maskOffset + n) & 3;
        remaining -= n;
        if (remaining > 0 || !frameFin) {
            if (remaining == 0) {
                state = State.HEADER;
            }
            checkText(ctx, payload);
            emit(ctx, new ClientDataChunk(payload, messageText, false, messageCompressed));
        } else {
            state = State.HEADER;
            endMessage(ctx, payload);
        }
    }

    private void endMessage(ChannelHandlerContext ctx, ByteBuf payload) {
        messageOpen = false;
        checkText(ctx, payload);
        if (messageText && validateText && !messageCompressed && !utf8.isComplete()) {
            emit(ctx, new ClientDataChunk(payload, true, false));
            throw invalidUtf8("text message ends inside a UTF-8 sequence");
        }
        emit(ctx, new ClientDataChunk(payload, messageText, true, messageCompressed));
    }

    /** Emits the bytes before an invalid one and throws; returns normally when the payload may be UTF-8. */
    private void checkText(ChannelHandlerContext ctx, ByteBuf payload) {
        if (!messageText || !validateText || messageCompressed) {
            return;
        }
        int bad = utf8.feed(payload, payload.readerIndex(), payload.writerIndex());
        if (bad < 0) {
            return;
        }
        payload.writerIndex(bad);
        if (payload.isReadable()) {
            emit(ctx, new ClientDataChunk(payload, true, false));
        } else {
            payload.release();
        }
        throw invalidUtf8("invalid UTF-8 in a text message");
    }

    private void readControl(ChannelHandlerContext ctx, ByteBuf in) {
        int n = (int) Math.min(remaining, in.readableBytes());
        control.writeBytes(in, n);
        remaining -= n;
        if (remaining == 0) {
            ByteBuf payload = control;
            control = null;
            Masking.unmask(payload, payload.readerIndex(), payload.readableBytes(), maskKey, 0);
            state = State.HEADER;
            emitControl(ctx, payload);
        }
    }

    private void emitControl(ChannelHandlerContext ctx, ByteBuf payload) {
        switch (frameOpcode) {
            case FrameHeader.PING -> emit(ctx, new PingWebSocketFrame(payload));
            case FrameHeader.PONG -> emit(ctx, new PongWebSocketFrame(payload));
            default -> {
                try {
                    checkClosePayload(payload);
                } catch (CorruptedWebSocketFrameException e) {
                    payload.release();
                    throw e;
                }
                state = State.DISCARD;
                emit(ctx, new CloseWebSocketFrame(true, 0, payload));
            }
        }
    }

    private void emit(ChannelHandlerContext ctx, Object msg) {
        emittedSinceReadComplete = true;
        ctx.fireChannelRead(msg);
    }

    /** Like ByteToMessageDecoder: with AUTO_READ off, a read that produced nothing (a partial header) asks again. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        boolean emitted = emittedSinceReadComplete;
        emittedSinceReadComplete = false;
        if (!emitted && state != State.DISCARD && !ctx.channel().config().isAutoRead()) {
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    private static void checkClosePayload(ByteBuf payload) {
        int length = payload.readableBytes();
        if (length == 0) {
            return;
        }
        if (length == 1) {
            throw protocolError("close frame with a 1-byte payload");
        }
        int code = payload.getUnsignedShort(payload.readerIndex());
        // Netty admits 5000 and above; RFC 6455 §7.4.2 defines nothing there, so they are refused too.
        if (!WebSocketCloseStatus.isValidStatusCode(code) || code > 4999) {
            throw protocolError("invalid close code %d".formatted(code));
        }
        if (!Utf8Validator.isValid(payload, payload.readerIndex() + 2, payload.writerIndex())) {
            throw invalidUtf8("close reason is not UTF-8");
        }
    }

    private static CorruptedWebSocketFrameException invalidUtf8(String message) {
        return new CorruptedWebSocketFrameException(WebSocketCloseStatus.INVALID_PAYLOAD_DATA, message);
    }

    private void discardFromNowOn() {
        state = State.DISCARD;
        header.reset();
        if (control != null) {
            control.release();
            control = null;
        }
    }

    /** Bytes held between reads: a partial header or a partial control payload, never data payload. */
    int bufferedBytes() {
        return header.buffered() + (control == null ? 0 : control.readableBytes());
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        discardFromNowOn();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        discardFromNowOn();
        ctx.fireChannelInactive();
    }
}
