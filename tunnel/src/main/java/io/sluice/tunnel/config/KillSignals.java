package io.sluice.tunnel.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The signals {@code kill-signal} may name, with their Linux numbers (x86-64 and arm64 share them). Stateless.
 */
final class KillSignals {
    static final String ALLOWED = "HUP, INT, QUIT, KILL, USR1, USR2, TERM (with or without SIG), or a number 1..64";

    private static final Map<String, Integer> NUMBERS = new LinkedHashMap<>();
    private static final Pattern DIGITS = Pattern.compile("\\d{1,9}");

    static {
        NUMBERS.put("HUP", 1);
        NUMBERS.put("INT", 2);
        NUMBERS.put("QUIT", 3);
        NUMBERS.put("KILL", 9);
        NUMBERS.put("USR1", 10);
        NUMBERS.put("USR2", 12);
        NUMBERS.put("TERM", 15);
    }

    static final int TERM = 15;

    private KillSignals() {
    }

    /**
     * The number of a signal name ({@code TERM}, {@code SIGTERM}, any case) or of a decimal string; throws
     * {@link IllegalArgumentException} for anything else. The range of a number is the record's rule.
     */
    static int parse(String text) {
        String trimmed = text.trim();
        if (DIGITS.matcher(trimmed).matches()) {
            return Integer.parseInt(trimmed);
        }
        String name = trimmed.toUpperCase(Locale.ROOT);
        if (name.startsWith("SIG")) {
            name = name.substring(3);
        }
        Integer number = NUMBERS.get(name);
        if (number == null) {
            throw new IllegalArgumentException("'%s' is not a signal Sluice stops workers with".formatted(text));
        }
        return number;
    }
}
