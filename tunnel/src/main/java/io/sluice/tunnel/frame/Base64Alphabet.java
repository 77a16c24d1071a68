package io.sluice.tunnel.frame;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The standard base64 alphabet of RFC 4648 §4, for decoding (encoding uses the JDK). Immutable; any thread. */
final class Base64Alphabet {
    static final byte PAD = '=';
    static final int NOT_BASE64 = -1;
    private static final byte[] ENCODE =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DECODE = new byte[256];

    static {
        Arrays.fill(DECODE, (byte) NOT_BASE64);
        for (int i = 0; i < ENCODE.length; i++) {
            DECODE[ENCODE[i]] = (byte) i;
        }
    }

    private Base64Alphabet() {
    }

    /** The 6-bit value of character {@code c}, or {@link #NOT_BASE64} (also for the pad character). */
    static int decode(byte c) {
        return DECODE[c & 0xFF];
    }
}
