package io.sluice.tunnel.frame;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Unmasks client payload in place (RFC 6455 §5.3), eight bytes at a time. Stateless; any thread. */
final class Masking {
    private Masking() {
    }

    /**
     * XORs {@code buf[index, index + length)} with the mask key, the first byte taking key byte {@code keyOffset}
     * (the payload position modulo 4, so a frame's payload may be unmasked in any number of pieces).
     */
    static void unmask(ByteBuf buf, int index, int length, int maskKey, int keyOffset) {
        if (maskKey == 0 || length == 0) {
            return;
        }
        int key = Integer.rotateLeft(maskKey, keyOffset << 3);
        if (buf.nioBufferCount() == 1) {
            // one view for the whole range: ByteBuf accessors check bounds (and, in tests, track leaks) per call
            unmask(buf.internalNioBuffer(index, length), key);
            return;
        }
        long wideKey = (long) key << 32 | key & 0xFFFF_FFFFL;
        int i = index;
        int end = index + length;
        for (; end - i >= 8; i += 8) {
            buf.setLong(i, buf.getLong(i) ^ wideKey);
        }
        for (int shift = 24; i < end; i++, shift = (shift - 8) & 31) {
            buf.setByte(i, buf.getByte(i) ^ key >>> shift);
        }
    }

    private static void unmask(ByteBuffer nio, int bigEndianKey) {
        int key = nio.order() == ByteOrder.BIG_ENDIAN ? bigEndianKey : Integer.reverseBytes(bigEndianKey);
        long wideKey = (long) key << 32 | key & 0xFFFF_FFFFL;
        int i = nio.position();
        int end = nio.limit();
        for (; end - i >= 8; i += 8) {
            nio.putLong(i, nio.getLong(i) ^ wideKey);
        }
        for (int shift = 24; i < end; i++, shift = (shift - 8) & 31) {
            nio.put(i, (byte) (nio.get(i) ^ bigEndianKey >>> shift));
        }
    }
}
