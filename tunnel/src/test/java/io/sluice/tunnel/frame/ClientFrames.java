package io.sluice.tunnel.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.util.Random;

/** Builds masked (or deliberately broken) client frames as bytes, for decoder tests. */
final class ClientFrames {
    static final int CONT = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;
    static final int MASK_KEY = 0x37FA213D;

    private ClientFrames() {
    }

    static byte[] frame(boolean fin, int opcode, byte[] payload) {
        return frame((fin ? 0x80 : 0) | opcode, true, payload.length, payload, MASK_KEY);
    }

    static byte[] frame(int opcode, byte[] payload) {
        return frame(true, opcode, payload);
    }

    /** A frame with the first byte as given, the length in its minimal form, masked when {@code masked}. */
    static byte[] frame(int firstByte, boolean masked, long declaredLength, byte[] payload, int maskKey) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(firstByte);
        writeLength(out, masked, declaredLength);
        if (masked) {
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.write(maskKey >>> shift);
            }
        }
        for (int i = 0; i < payload.length; i++) {
            out.write(masked ? payload[i] ^ maskKey >>> (24 - 8 * (i & 3)) : payload[i]);
        }
        return out.toByteArray();
    }

    static void writeLength(ByteArrayOutputStream out, boolean masked, long length) {
        int maskBit = masked ? 0x80 : 0;
        if (length >= 0 && length < 126) {
            out.write(maskBit | (int) length);
        } else if (length >= 0 && length < 65536) {
            out.write(maskBit | 126);
            out.write((int) (length >>> 8));
            out.write((int) length);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (length >>> shift));
            }
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** A pooled direct copy, like a transport read (the decoder unmasks in place, so never wrap test arrays). */
    static ByteBuf buffer(byte[] bytes, int offset, int length) {
        return ByteBufAllocator.DEFAULT.directBuffer(length).writeBytes(bytes, offset, length);
    }

    static ByteBuf buffer(byte[] bytes) {
        return buffer(bytes, 0, bytes.length);
    }
}
