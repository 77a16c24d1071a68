package io.sluice.tunnel.lighttpd;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes YAML line by line with comments: a comment goes on its own line(s) above what it explains, wrapped at 116
 * columns. Strings are written plain when YAML reads them back as the same string, else double-quoted. Not
 * thread-safe.
 */
final class YamlLines {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z/_.][A-Za-z0-9_./@+-]*");
    private static final Set<String> RESERVED = Set.of("true", "false", "yes", "no", "on", "off", "null", "y", "n");
    private static final int WIDTH = 116;

    private final StringBuilder out = new StringBuilder();

    /** A comment above the next line, at {@code indent}, wrapped. */
    YamlLines comment(int indent, String text) {
        String pad = " ".repeat(indent);
        StringBuilder line = new StringBuilder(pad).append('#');
        for (String word : text.split(" ")) {
            if (line.length() + 1 + word.length() > WIDTH && line.length() > pad.length() + 1) {
                out.append(line).append('\n');
                line = new StringBuilder(pad).append('#');
            }
            line.append(' ').append(word);
        }
        out.append(line).append('\n');
        return this;
    }

    YamlLines line(int indent, String text) {
        out.append(" ".repeat(indent)).append(text).append('\n');
        return this;
    }

    YamlLines blank() {
        out.append('\n');
        return this;
    }

    /** A string as a YAML scalar that reads back as exactly this string. */
    static String scalar(String s) {
        if (PLAIN.matcher(s).matches() && !RESERVED.contains(s.toLowerCase(Locale.ROOT))) {
            return s;
        }
        return quoted(s);
    }

    static String quoted(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                default -> {
                    if (c < 0x20) {
                        q.append("\\x%02x".formatted((int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
