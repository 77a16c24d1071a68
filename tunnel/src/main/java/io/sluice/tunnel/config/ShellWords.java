package io.sluice.tunnel.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a {@code bin-path} string into argv with shell-like quoting and nothing else: no variable expansion, no
 * globbing, no operators. Stateless.
 *
 * <ul>
 *   <li>Unquoted blanks (space, tab, newline) separate words; runs of blanks count once.</li>
 *   <li>{@code '...'} is taken literally, backslashes included.</li>
 *   <li>{@code "..."} is literal except that a backslash escapes {@code " \ $ `}; before any other character it is
 *       kept (POSIX).</li>
 *   <li>Outside quotes a backslash takes the next character literally.</li>
 *   <li>{@code ''} and {@code ""} make an empty word.</li>
 * </ul>
 */
final class ShellWords {

    private ShellWords() {
    }

    /** The words of {@code text}; throws {@link IllegalArgumentException} for an unterminated quote or escape. */
    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
                continue;
            }
            inWord = true;
            if (c == '\'') {
                int end = text.indexOf('\'', i + 1);
                if (end < 0) {
                    throw unterminated("single", i);
                }
                word.append(text, i + 1, end);
                i = end + 1;
            } else if (c == '"') {
                i = doubleQuoted(text, i, word);
            } else if (c == '\\') {
                if (i + 1 >= text.length()) {
                    throw new IllegalArgumentException(
                            "ends with a lone backslash (column %d of the string); write \\\\ for a backslash"
                                    .formatted(i + 1));
                }
                word.append(text.charAt(i + 1));
                i += 2;
            } else {
                word.append(c);
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** Appends the double-quoted part starting at {@code open}; returns the index after the closing quote. */
    private static int doubleQuoted(String text, int open, StringBuilder word) {
        int i = open + 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < text.length() && "\"\\$`".indexOf(text.charAt(i + 1)) >= 0) {
                word.append(text.charAt(i + 1));
                i += 2;
            } else {
                word.append(c);
                i++;
            }
        }
        throw unterminated("double", open);
    }

    private static IllegalArgumentException unterminated(String kind, int at) {
        return new IllegalArgumentException(
                "unterminated %s quote (opened at column %d of the string)".formatted(kind, at + 1));
    }
}
