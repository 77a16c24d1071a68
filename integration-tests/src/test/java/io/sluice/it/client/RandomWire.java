package io.sluice.it.client;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

/**
 * Random line traffic for the tests of line framing: text of characters of every UTF-8 width, a message cut into
 * frames at random bytes, and bytes written to the socket in pieces of random sizes, so that frames are split and
 * merged arbitrarily on the wire. Stateless; the caller's seeded {@link Random} makes a run repeatable.
 */
public final class RandomWire {
    private static final String[] PIECES = {"a", "Z", " ", "é", "ß", "中", "€", "😀", "\r", "\t", "ok", "line"};

    private RandomWire() {
    }

    /** Random text without a trailing {@code \r}: a line's {@code \r\n} comes back as its end, not as data. */
    public static String text(Random random, int pieces) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < pieces; i++) {
            text.append(PIECES[random.nextInt(PIECES.length)]);
        }
        while (text.length() > 0 && text.charAt(text.length() - 1) == '\r') {
            text.setLength(text.length() - 1);
        }
        return text.toString();
    }

    /** One text message as 1 to 3 masked frames cut at random bytes (a cut may fall inside a UTF-8 character). */
    public static byte[] fragmented(byte[] payload, Random random) {
        int fragments = payload.length < 2 ? 1 : 1 + random.nextInt(3);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        for (int f = 0; f < fragments; f++) {
            boolean last = f == fragments - 1;
            int end = last ? payload.length : at + random.nextInt(payload.length - at + 1);
            out.writeBytes(RawWsClient.maskedFrame(f == 0 ? 0x1 : 0x0, last, Arrays.copyOfRange(payload, at, end)));
            at = end;
        }
        return out.toByteArray();
    }

    /** {@code bytes} in pieces of 1 to 8 or 1 to {@code largest} bytes, each flushed. */
    public static void writeInPieces(RawWsClient client, byte[] bytes, Random random, int largest) throws Exception {
        for (int at = 0; at < bytes.length; ) {
            int n = Math.min(bytes.length - at, 1 + random.nextInt(random.nextBoolean() ? 8 : largest));
            client.writeRaw(bytes, at, n);
            client.flush();
            at += n;
        }
    }
}
