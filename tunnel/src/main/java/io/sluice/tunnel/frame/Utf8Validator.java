package io.sluice.tunnel.frame;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A streaming UTF-8 validator (a byte-at-a-time DFA after Unicode's Table 3-7, with an ASCII fast path): fed any
 * split of a byte stream, it finds the first byte that can never be UTF-8 (overlongs, surrogates, code points above
 * U+10FFFF, stray continuation bytes) and remembers an incomplete sequence across calls. One instance per stream,
 * confined to one thread.
 */
public final class Utf8Validator {
    private static final int ACCEPT = 0;
    private static final int REJECT = 1;
    // States: 0 accept, 1 reject, then "continuation bytes still needed" with the range allowed for the next byte.
    private static final int NEED1 = 2;
    private static final int NEED2 = 3;
    private static final int NEED2_AFTER_E0 = 4; // next A0..BF: no overlong 3-byte form
    private static final int NEED2_AFTER_ED = 5; // next 80..9F: no surrogates
    private static final int NEED3 = 6;
    private static final int NEED3_AFTER_F0 = 7; // next 90..BF: no overlong 4-byte form
    private static final int NEED3_AFTER_F4 = 8; // next 80..8F: nothing above U+10FFFF
    private static final int STATES = 9;
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;
    /** {@code NEXT[state << 8 | byte]}: the state after reading {@code byte} in {@code state}. */
    private static final byte[] NEXT = transitions();

    private int state = ACCEPT;
    private int boundary = -1;

    /**
     * Feeds {@code buf[from, to)} (absolute indexes, reader and writer index untouched).
     *
     * @return the absolute index of the first byte that makes the stream invalid, or -1 if every byte may be UTF-8
     */
    public int feed(ByteBuf buf, int from, int to) {
        if (from == to) {
            boundary = state == ACCEPT ? from : -1;
            return -1;
        }
        // one NIO view for the whole range: ByteBuf accessors check bounds (and, in tests, track leaks) per call;
        // a buffer of several components is merged into a copy, which only composite input pays for
        int length = to - from;
        ByteBuffer nio = buf.nioBufferCount() == 1 ? buf.internalNioBuffer(from, length) : buf.nioBuffer(from, length);
        int start = nio.position();
        int bad = feed(nio, start, nio.limit());
        boundary = boundary < 0 ? -1 : boundary - start + from;
        return bad < 0 ? -1 : bad - start + from;
    }

    private int feed(ByteBuffer buf, int from, int to) {
        int s = state;
        int last = -1;
        int i = from;
        while (i < to) {
            if (s == ACCEPT) {
                last = i;
                if (to - i >= 8 && (buf.getLong(i) & HIGH_BITS) == 0) {
                    i += 8;
                    continue;
                }
            }
            s = NEXT[s << 8 | buf.get(i) & 0xFF];
            if (s == REJECT) {
                state = REJECT;
                boundary = last;
                return i;
            }
            i++;
        }
        if (s == ACCEPT) {
            last = to;
        }
        state = s;
        boundary = last;
        return -1;
    }

    /**
     * The absolute index just past the last complete character of the last {@link #feed} (its {@code from} when it
     * started at a character boundary and completed none), or -1 when it started and ended inside one sequence.
     */
    public int boundary() {
        return boundary;
    }

    /** Whether the bytes fed so far end at a character boundary (and none was invalid). */
    public boolean isComplete() {
        return state == ACCEPT;
    }

    /** Starts a new stream. */
    public void reset() {
        state = ACCEPT;
        boundary = -1;
    }

    /** Whether {@code buf[from, to)} is, by itself, complete valid UTF-8. */
    public static boolean isValid(ByteBuf buf, int from, int to) {
        Utf8Validator validator = new Utf8Validator();
        return validator.feed(buf, from, to) < 0 && validator.isComplete();
    }

    private static byte[] transitions() {
        byte[] next = new byte[STATES << 8];
        Arrays.fill(next, (byte) REJECT);
        for (int b = 0; b < 0x80; b++) {
            next[ACCEPT << 8 | b] = ACCEPT;
        }
        lead(next, 0xC2, 0xDF, NEED1);
        lead(next, 0xE0, 0xE0, NEED2_AFTER_E0);
        lead(next, 0xE1, 0xEC, NEED2);
        lead(next, 0xED, 0xED, NEED2_AFTER_ED);
        lead(next, 0xEE, 0xEF, NEED2);
        lead(next, 0xF0, 0xF0, NEED3_AFTER_F0);
        lead(next, 0xF1, 0xF3, NEED3);
        lead(next, 0xF4, 0xF4, NEED3_AFTER_F4);
        continuation(next, NEED1, 0x80, 0xBF, ACCEPT);
        continuation(next, NEED2, 0x80, 0xBF, NEED1);
        continuation(next, NEED2_AFTER_E0, 0xA0, 0xBF, NEED1);
        continuation(next, NEED2_AFTER_ED, 0x80, 0x9F, NEED1);
        continuation(next, NEED3, 0x80, 0xBF, NEED2);
        continuation(next, NEED3_AFTER_F0, 0x90, 0xBF, NEED2);
        continuation(next, NEED3_AFTER_F4, 0x80, 0x8F, NEED2);
        return next;
    }

    private static void lead(byte[] next, int first, int last, int target) {
        continuation(next, ACCEPT, first, last, target);
    }

    private static void continuation(byte[] next, int state, int first, int last, int target) {
        for (int b = first; b <= last; b++) {
            next[state << 8 | b] = (byte) target;
        }
    }
}
