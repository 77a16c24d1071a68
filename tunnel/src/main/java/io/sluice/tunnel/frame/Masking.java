package io.sluice.tunnel.frame;

import io.netty.buffer.ByteBuf;

/** Unmasks client payload in place (RFC 6455 §5.3), eight bytes at a time. Stateless; any thread. */
final class Masking {
    private Masking() {
    }

    /**
     * XORs {@code buf[index, index + length)} with the mask key, the first byte taking key byte {@code keyOffset}
     * (the payload position modulo 4, so a frame's payload may be unmasked in any number of pieces).
     */
    static void unmask(ByteBuf buf, int index, int length, int maskKey, int keyOffset) {
        if (maskKey == 0) {
            return;
        }
        int key = Integer.rotateLeft(maskKey, keyOffset << 3);
        long wideKey = (long) key << 32 | key & 0xFFFF_FFFFL;
        int i = index;
        int end = index + length;
        for (; end - i >= 8; i += 8) {
            buf.setLong(i, buf.getLong(i) ^ wideKey);
        }
        if (end - i >= 4) {
            buf.setInt(i, buf.getInt(i) ^ key);
            i += 4;
        }
        for (int shift = 24; i < end; i++, shift -= 8) {
            buf.setByte(i, buf.getByte(i) ^ key >>> shift);
        }
    }
}
