package io.sluice.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Produces one connection's messages: message k is an 8-byte header (connection id, k) followed by a body pattern
 * that depends on the connection, so a lost, duplicated, reordered or corrupted byte is caught by
 * {@link EchoVerifier}. In WebSocket mode frames are masked (RFC 6455 5.3) with one random key per connection; the
 * body is masked once up front, so each message only masks its 8 header bytes.
 * Confined to the connection's event loop after construction.
 */
final class MessageSource {
    static final int HEADER = 8;

    private final long connId;
    private final int size;
    private final boolean websocket;
    private final int maskKey;
    private final ByteBuf wireBody;
    private long nextSeq;

    MessageSource(long connId, int size, boolean websocket) {
        if (size < HEADER) {
            throw new IllegalArgumentException(
                "message size must be at least %d bytes, got %d".formatted(HEADER, size));
        }
        this.connId = connId;
        this.size = size;
        this.websocket = websocket;
        this.maskKey = ThreadLocalRandom.current().nextInt() | 1;
        byte[] body = plainBody(connId, size);
        if (websocket) {
            for (int j = 0; j < body.length; j++) {
                // payload offset HEADER + j, and HEADER is a multiple of 4, so the key byte is j % 4
                body[j] ^= (byte) (maskKey >>> (24 - 8 * (j & 3)));
            }
        }
        // a wrapped ByteBuffer is not leak-tracked; it lives as long as the connection and is never released
        ByteBuffer direct = ByteBuffer.allocateDirect(body.length).put(body).flip();
        this.wireBody = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct).asReadOnly());
    }

    /** The header long of message {@code seq} on connection {@code connId}. */
    static long header(long connId, long seq) {
        return (connId << 40) | (seq & 0xFF_FFFF_FFFFL);
    }

    /** The unmasked body of every message on the connection. */
    static byte[] plainBody(long connId, int size) {
        byte[] body = new byte[size - HEADER];
        for (int j = 0; j < body.length; j++) {
            body[j] = (byte) (((j + connId * 7919) * 0x9E3779B1L) >>> 24);
        }
        return body;
    }

    int size() {
        return size;
    }

    /** Writes (does not flush) the next message and returns its sequence number. */
    long writeNext(ChannelHandlerContext ctx) {
        long seq = nextSeq++;
        long header = header(connId, seq);
        ByteBuf head;
        if (websocket) {
            head = ctx.alloc().ioBuffer(14 + HEADER);
            writeFrameHeader(head, size, maskKey);
            long mask = ((maskKey & 0xFFFF_FFFFL) << 32) | (maskKey & 0xFFFF_FFFFL);
            head.writeLong(header ^ mask);
        } else {
            head = ctx.alloc().ioBuffer(HEADER).writeLong(header);
        }
        ctx.write(head, ctx.voidPromise());
        if (wireBody.readableBytes() > 0) {
            ctx.write(wireBody.duplicate(), ctx.voidPromise());
        }
        return seq;
    }

    /** FIN + binary opcode, MASK bit and length, then the masking key. */
    static void writeFrameHeader(ByteBuf out, long payloadLength, int maskKey) {
        out.writeByte(0x82);
        if (payloadLength < 126) {
            out.writeByte(0x80 | (int) payloadLength);
        } else if (payloadLength < 65536) {
            out.writeByte(0x80 | 126).writeShort((int) payloadLength);
        } else {
            out.writeByte(0x80 | 127).writeLong(payloadLength);
        }
        out.writeInt(maskKey);
    }
}
