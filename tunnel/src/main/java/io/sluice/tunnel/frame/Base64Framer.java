package io.sluice.tunnel.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.ByteBuffer;

/**
 * Frames backend bytes as TEXT frames of standard base64 for the {@code base64} subprotocol (websockify's; lighttpd
 * only echoed the header, B7). Only whole 3-byte groups are encoded, 0 to 2 bytes wait for the next read, and
 * {@link #finish()} pads the rest, so every frame decodes by itself and the frames concatenate to one valid base64
 * text. Each read is encoded in one pass straight into the frame's buffer. Confined to one event loop.
 */
final class Base64Framer implements BackendFramer {
    private final Carry carry = new Carry();

    @Override
    public WebSocketFrame frame(ByteBuf bytes) {
        try {
            int from = bytes.readerIndex();
            int to = bytes.writerIndex();
            int groups = (carry.length() + to - from) / 3;
            if (groups == 0) {
                carry.append(bytes, from, to);
                return null;
            }
            ByteBuf out = bytes.alloc().buffer(groups * 4, groups * 4);
            int i = from;
            if (!carry.isEmpty()) {
                int group = carry.bits();
                for (int k = carry.length(); k < 3; k++) {
                    group = group << 8 | bytes.getByte(i++) & 0xFF;
                }
                writeGroup(out, group);
                carry.clear();
            }
            int bulk = (to - i) / 3 * 3;
            encode(bytes, i, bulk, out);
            carry.append(bytes, i + bulk, to);
            return new TextWebSocketFrame(out);
        } finally {
            bytes.release();
        }
    }

    private static void encode(ByteBuf src, int index, int length, ByteBuf out) {
        if (length == 0) {
            return;
        }
        ByteBuffer in = src.nioBufferCount() == 1 ? src.internalNioBuffer(index, length) : src.nioBuffer(index, length);
        int outLength = length / 3 * 4;
        int start = out.writerIndex();
        ByteBuffer dst = out.internalNioBuffer(start, outLength);
        for (int i = in.position(), o = dst.position(), end = in.limit(); i < end; i += 3, o += 4) {
            int group = (in.get(i) & 0xFF) << 16 | (in.get(i + 1) & 0xFF) << 8 | in.get(i + 2) & 0xFF;
            dst.put(o, Base64Alphabet.encode(group >>> 18));
            dst.put(o + 1, Base64Alphabet.encode(group >>> 12));
            dst.put(o + 2, Base64Alphabet.encode(group >>> 6));
            dst.put(o + 3, Base64Alphabet.encode(group));
        }
        out.writerIndex(start + outLength);
    }

    private static void writeGroup(ByteBuf out, int group) {
        out.writeByte(Base64Alphabet.encode(group >>> 18));
        out.writeByte(Base64Alphabet.encode(group >>> 12));
        out.writeByte(Base64Alphabet.encode(group >>> 6));
        out.writeByte(Base64Alphabet.encode(group));
    }

    @Override
    public WebSocketFrame finish() {
        if (carry.isEmpty()) {
            return null;
        }
        int length = carry.length();
        int group = carry.bits() << (3 - length) * 8;
        carry.clear();
        byte[] quantum = {
            Base64Alphabet.encode(group >>> 18),
            Base64Alphabet.encode(group >>> 12),
            length == 2 ? Base64Alphabet.encode(group >>> 6) : Base64Alphabet.PAD,
            Base64Alphabet.PAD,
        };
        return new TextWebSocketFrame(Unpooled.wrappedBuffer(quantum));
    }

    @Override
    public void release() {
        carry.clear();
    }
}
