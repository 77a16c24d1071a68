package io.sluice.tunnel.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * Frames backend bytes as TEXT frames that are each valid UTF-8 (lighttpd bug B6 split characters across frames):
 * a read ending inside a character carries its 1 to 3 bytes into the next frame. The frame holds a retained slice
 * of the read, plus, after a carry, a small buffer of the carried bytes in front of it. A byte that can never be
 * UTF-8 raises {@link InvalidBackendTextException} holding the frame of the valid characters before it. Confined to
 * one event loop.
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
            int boundary = utf8.boundary();
            if (bad >= 0) {
                // The characters before the offending byte are valid: the client gets them before the 1011.
                long offset = consumed + bad - from;
                throw new InvalidBackendTextException("backend output is not UTF-8 at byte %d; %s"
                        .formatted(offset, HINT), offset, boundary < 0 ? null : framed(bytes, from, boundary));
            }
            if (boundary < 0) {
                carry.append(bytes, from, to);
                return null;
            }
            WebSocketFrame frame = framed(bytes, from, boundary);
            carry.append(bytes, boundary, to);
            return frame;
        } finally {
            consumed += to - from;
            bytes.release();
        }
    }

    /** The carried bytes and {@code bytes[from, boundary)} as one frame (null when empty); clears the carry. */
    private WebSocketFrame framed(ByteBuf bytes, int from, int boundary) {
        ByteBuf payload = carry.isEmpty()
                ? bytes.retainedSlice(from, boundary - from)
                : withCarriedBytes(bytes, from, boundary);
        carry.clear();
        if (!payload.isReadable()) {
            payload.release();
            return null;
        }
        return new TextWebSocketFrame(payload);
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
                    .formatted(length, HINT), consumed - length, null);
        }
        return null;
    }

    @Override
    public void release() {
        carry.clear();
    }
}
