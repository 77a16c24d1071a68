package io.sluice.tunnel.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * Frames backend bytes as TEXT frames that are each valid UTF-8 (lighttpd bug B6 split characters across frames):
 * a read ending inside a character carries its 1 to 3 bytes into the next frame. The frame holds a retained slice
 * of the read, plus, after a carry, a small buffer of the carried bytes in front of it. Confined to one event loop.
 */
final class TextFramer implements BackendFramer {
    private static final String HINT = "a text route needs UTF-8 output; use frame-type: binary for anything else";

    private final Utf8Validator utf8 = new Utf8Validator();
    private final Carry carry = new Carry();
    private long consumed;

    @Override
    public WebSocketFrame frame(ByteBuf bytes) {
        int from = bytes.readerIndex();
        int to = bytes.writerIndex();
        try {
            int bad = utf8.feed(bytes, from, to);
            if (bad >= 0) {
                long offset = consumed + bad - from;
                throw new InvalidBackendTextException(
                        "backend output is not UTF-8 at byte %d; %s".formatted(offset, HINT), offset);
            }
            int boundary = utf8.boundary();
            if (boundary < 0) {
                carry.append(bytes, from, to);
                return null;
            }
            ByteBuf payload = carry.isEmpty()
                    ? bytes.retainedSlice(from, boundary - from)
                    : withCarriedBytes(bytes, from, boundary);
            carry.clear();
            carry.append(bytes, boundary, to);
            if (!payload.isReadable()) {
                payload.release();
                return null;
            }
            return new TextWebSocketFrame(payload);
        } finally {
            consumed += to - from;
            bytes.release();
        }
    }

    private ByteBuf withCarriedBytes(ByteBuf bytes, int from, int boundary) {
        CompositeByteBuf joined = bytes.alloc().compositeBuffer(2);
        joined.addComponent(true, carry.toBuffer(bytes.alloc()));
        joined.addComponent(true, bytes.retainedSlice(from, boundary - from));
        return joined;
    }

    @Override
    public WebSocketFrame finish() {
        if (!carry.isEmpty()) {
            int length = carry.length();
            carry.clear();
            throw new InvalidBackendTextException("backend output ended inside a UTF-8 sequence (%d of its bytes); %s"
                    .formatted(length, HINT), consumed - length);
        }
        return null;
    }

    @Override
    public void release() {
        carry.clear();
    }
}
