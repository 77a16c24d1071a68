package io.sluice.tunnel.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Up to three bytes a framer keeps for the next read (an incomplete UTF-8 sequence), held in an int so there is
 * nothing to release. Confined to its framer's thread.
 */
final class Carry {
    static final int MAX = 3;

    private int bits;
    private int length;

    /** Appends {@code buf[from, to)}; the caller guarantees the total stays within {@link #MAX}. */
    void append(ByteBuf buf, int from, int to) {
        if (length + to - from > MAX) {
            throw new IllegalStateException("carry over %d bytes: %d + %d".formatted(MAX, length, to - from));
        }
        for (int i = from; i < to; i++) {
            bits = bits << 8 | buf.getByte(i) & 0xFF;
            length++;
        }
    }

    int length() {
        return length;
    }

    boolean isEmpty() {
        return length == 0;
    }

    void clear() {
        bits = 0;
        length = 0;
    }

    ByteBuf toBuffer(ByteBufAllocator alloc) {
        ByteBuf buf = alloc.heapBuffer(length, length);
        for (int shift = (length - 1) * 8; shift >= 0; shift -= 8) {
            buf.writeByte(bits >>> shift);
        }
        return buf;
    }
}
