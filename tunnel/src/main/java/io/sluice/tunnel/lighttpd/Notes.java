package io.sluice.tunnel.lighttpd;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The located warnings of one conversion, in the order found. Not thread-safe. */
final class Notes {
    /** Where the differences are explained; every comment about one points there. */
    static final String DOC = "docs/lighttpd-compatibility.md";

    private final List<String> warnings = new ArrayList<>();
    private final Set<Directive> used = new HashSet<>();

    /** {@code directive} is translated (or deliberately left out with its own note). */
    Directive use(Directive directive) {
        if (directive != null) {
            used.add(directive);
        }
        return directive;
    }

    boolean isUsed(Directive directive) {
        return used.contains(directive);
    }

    void warn(Location where, String text) {
        warnings.add(where + ": " + text);
    }

    void addAll(List<String> more) {
        warnings.addAll(more);
    }

    List<String> warnings() {
        return warnings;
    }

    /** An integer option written as a number or a string of digits; null (and a warning) otherwise. */
    Long integer(Value value, Location where, String option) {
        if (value instanceof Value.Int i) {
            return i.value();
        }
        String text = value.text();
        if (text != null && text.trim().matches("\\d{1,9}")) {
            return Long.parseLong(text.trim());
        }
        warn(where, "%s: expected a number, got %s; not translated".formatted(option,
                text == null ? "an array" : "\"" + text + "\""));
        return null;
    }

    /** A string option; null (and a warning) for an array. */
    String string(Value value, Location where, String option) {
        if (value.text() == null) {
            warn(where, "%s: expected a string, got an array; not translated".formatted(option));
        }
        return value.text();
    }
}
