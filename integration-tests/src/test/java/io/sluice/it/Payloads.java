package io.sluice.it;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;

/** Test payloads: seeded random bytes, and valid UTF-8 text mixing 1- to 4-byte characters. */
final class Payloads {
    private static final String[] PIECES = {"a", "Z", " ", "é", "ß", "中", "€", "😀", "\n", "ok"};

    private Payloads() {
    }

    static byte[] binary(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Text of exactly {@code size} UTF-8 bytes (pads with ASCII where a multi-byte piece would not fit). */
    static String text(int size, long seed) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder();
        int bytes = 0;
        while (bytes < size) {
            String piece = PIECES[random.nextInt(PIECES.length)];
            int length = piece.getBytes(StandardCharsets.UTF_8).length;
            if (bytes + length > size) {
                piece = "x";
                length = 1;
            }
            text.append(piece);
            bytes += length;
        }
        return text.toString();
    }

    static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }
}
