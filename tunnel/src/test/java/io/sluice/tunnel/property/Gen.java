package io.sluice.tunnel.property;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Random test inputs drawn from one seed, so that the same seed gives the same input. Sizes and ints lean towards
 * their edges (empty, full, 0, -1, MIN, MAX) because that is where decoders break.
 */
public final class Gen {
    private final SplittableRandom random;

    public Gen(long seed) {
        random = new SplittableRandom(seed);
    }

    /** A uniform int in {@code [min, max]}. */
    public int between(int min, int max) {
        return (int) random.nextLong(min, (long) max + 1);
    }

    /** True one time in {@code n}. */
    public boolean oneIn(int n) {
        return random.nextInt(n) == 0;
    }

    public boolean bool() {
        return random.nextBoolean();
    }

    /** Any int; one in eight is 0, 1, -1, MIN_VALUE or MAX_VALUE. */
    public int anyInt() {
        return oneIn(8) ? oneOf(0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE) : random.nextInt();
    }

    /** A length in {@code [min, max]}: one in eight {@code min}, one in eight {@code max}, else uniform. */
    public int size(int min, int max) {
        int pick = random.nextInt(8);
        return pick == 0 ? min : pick == 1 ? max : between(min, max);
    }

    /** An index into {@code weights}, each chosen in proportion to its weight. */
    public int weighted(int... weights) {
        int r = random.nextInt(Arrays.stream(weights).sum());
        for (int i = 0; ; i++) {
            r -= weights[i];
            if (r < 0) {
                return i;
            }
        }
    }

    @SafeVarargs
    public final <T> T oneOf(T... values) {
        return values[random.nextInt(values.length)];
    }

    public <T> List<T> list(int minSize, int maxSize, Supplier<T> element) {
        int n = size(minSize, maxSize);
        List<T> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(element.get());
        }
        return list;
    }

    /** Random bytes, between none and {@code maxSize}. */
    public byte[] bytes(int maxSize) {
        return bytesOfSize(size(0, maxSize));
    }

    public byte[] bytesOfSize(int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    /**
     * Sorted read boundaries in {@code [0, length]} that split an input of {@code length} bytes into pieces: up to
     * {@code maxCuts} points, with repeats and the ends (empty reads); one time in eight also a run of one-byte reads
     * somewhere, so that every field of a header gets split.
     */
    public int[] cuts(int length, int maxCuts) {
        int n = size(0, maxCuts);
        List<Integer> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int pick = random.nextInt(8);
            points.add(pick == 0 ? 0 : pick == 1 ? length : pick == 2 && !points.isEmpty()
                    ? points.get(random.nextInt(points.size())) : between(0, length));
        }
        if (oneIn(8)) {
            int from = between(0, length);
            for (int p = from; p <= Math.min(length, from + 32); p++) {
                points.add(p);
            }
        }
        return points.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /** UTF-8 of up to {@code maxCodePoints} code points, each as likely 1, 2, 3 as 4 bytes long (no surrogates). */
    public byte[] utf8(int maxCodePoints) {
        StringBuilder s = new StringBuilder();
        for (int n = size(0, maxCodePoints); n > 0; n--) {
            s.appendCodePoint(codePoint());
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * One sequence that is never UTF-8 but only just: an overlong 2-, 3- or 4-byte form, a surrogate, a code point
     * above U+10FFFF, a lead byte that never starts one, a stray continuation byte, or a character cut short. Each
     * meets one edge of a validator's table that random bytes inside valid text almost never do.
     */
    public byte[] utf8Mistake() {
        return switch (random.nextInt(8)) {
            case 0 -> new byte[] {(byte) between(0xC0, 0xC1), continuation()};
            case 1 -> new byte[] {(byte) 0xE0, (byte) between(0x80, 0x9F), continuation()};
            case 2 -> new byte[] {(byte) 0xED, (byte) between(0xA0, 0xBF), continuation()};
            case 3 -> new byte[] {(byte) 0xF0, (byte) between(0x80, 0x8F), continuation(), continuation()};
            case 4 -> new byte[] {(byte) 0xF4, (byte) between(0x90, 0xBF), continuation(), continuation()};
            case 5 -> new byte[] {(byte) between(0xF5, 0xFF), continuation(), continuation(), continuation()};
            case 6 -> new byte[] {continuation()};
            default -> {
                int cp = codePoint();
                while (cp < 0x80) {
                    cp = codePoint();
                }
                byte[] whole = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                yield Arrays.copyOf(whole, between(1, whole.length - 1));
            }
        };
    }

    private byte continuation() {
        return (byte) between(0x80, 0xBF);
    }

    private int codePoint() {
        return switch (random.nextInt(4)) {
            case 0 -> between(0, 0x7F);
            case 1 -> between(0x80, 0x7FF);
            case 2 -> {
                int cp = between(0x800, 0xFFFF - 0x800); // the 2048 surrogates left out
                yield cp < 0xD800 ? cp : cp + 0x800;
            }
            default -> between(0x10000, 0x10FFFF);
        };
    }

    /** Up to {@code maxLength} characters, each one of {@code alphabet}. */
    public String string(String alphabet, int maxLength) {
        StringBuilder s = new StringBuilder();
        for (int n = size(0, maxLength); n > 0; n--) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    /** Up to {@code maxLength} characters in {@code [from, to]} (UTF-16 units: lone surrogates included). */
    public String string(char from, char to, int maxLength) {
        StringBuilder s = new StringBuilder();
        for (int n = size(0, maxLength); n > 0; n--) {
            s.append((char) between(from, to));
        }
        return s.toString();
    }
}
