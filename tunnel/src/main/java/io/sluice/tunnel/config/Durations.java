package io.sluice.tunnel.config;

import java.math.BigInteger;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration syntax of the config file: integer seconds, or a whole number with {@code ms}, {@code s}, {@code m}
 * or {@code h}; never negative. Stateless.
 */
final class Durations {
    static final String ALLOWED = "integer seconds, or a whole number with ms, s, m or h (250ms, 30s, 5m, 1h)";

    private static final Pattern SYNTAX = Pattern.compile("(-?)(\\d+)(ms|s|m|h)?");
    private static final BigInteger MAX_SECONDS = BigInteger.valueOf(365L * 24 * 3600 * 1000);

    private Durations() {
    }

    /** The duration a string means, or an {@link IllegalArgumentException} whose message is the problem. */
    static Duration parse(String text) {
        Matcher m = SYNTAX.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'%s' is not a duration".formatted(text));
        }
        if (!m.group(1).isEmpty()) {
            throw new IllegalArgumentException("must not be negative, got " + text);
        }
        return of(new BigInteger(m.group(2)), m.group(3) == null ? "s" : m.group(3), text);
    }

    /** Integer seconds, as written without a unit. */
    static Duration ofSeconds(BigInteger seconds, String text) {
        if (seconds.signum() < 0) {
            throw new IllegalArgumentException("must not be negative, got " + text);
        }
        return of(seconds, "s", text);
    }

    private static Duration of(BigInteger amount, String unit, String text) {
        BigInteger millis = switch (unit) {
            case "ms" -> amount;
            case "s" -> amount.multiply(BigInteger.valueOf(1000));
            case "m" -> amount.multiply(BigInteger.valueOf(60_000));
            default -> amount.multiply(BigInteger.valueOf(3_600_000));
        };
        if (millis.compareTo(MAX_SECONDS) > 0) {
            throw new IllegalArgumentException("'%s' is too long (more than a year)".formatted(text));
        }
        return Duration.ofMillis(millis.longValueExact());
    }

    /** The shortest exact form in the config syntax: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
