package io.sluice.tunnel.config;

import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The size syntax of the config file: integer bytes, or a whole number with B, KiB, MiB or GiB. Stateless. */
final class ByteSizes {
    static final String ALLOWED = "integer bytes, or a whole number with B, KiB, MiB or GiB (64KiB, 16MiB, 1GiB)";

    private static final Pattern SYNTAX = Pattern.compile("(-?)(\\d+)\\s*(B|KiB|MiB|GiB)?");

    private ByteSizes() {
    }

    /** The byte count a string means, or an {@link IllegalArgumentException} whose message is the problem. */
    static long parse(String text) {
        Matcher m = SYNTAX.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'%s' is not a size".formatted(text));
        }
        if (!m.group(1).isEmpty()) {
            throw new IllegalArgumentException("must not be negative, got " + text);
        }
        int shift = switch (m.group(3) == null ? "B" : m.group(3)) {
            case "KiB" -> 10;
            case "MiB" -> 20;
            case "GiB" -> 30;
            default -> 0;
        };
        return ofBytes(new BigInteger(m.group(2)).shiftLeft(shift), text);
    }

    /** Integer bytes, as written without a unit. */
    static long ofBytes(BigInteger bytes, String text) {
        if (bytes.signum() < 0) {
            throw new IllegalArgumentException("must not be negative, got " + text);
        }
        if (bytes.bitLength() > 62) {
            throw new IllegalArgumentException("'%s' is too large".formatted(text));
        }
        return bytes.longValueExact();
    }
}
