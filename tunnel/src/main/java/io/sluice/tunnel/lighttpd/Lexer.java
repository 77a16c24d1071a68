package io.sluice.tunnel.lighttpd;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits lighttpd config text into tokens as lighttpd's own lexer (configfile.c) does: {@code #} comments to the end
 * of the line, double-quoted strings with {@code \"} and {@code \\} escapes, integers, names ({@code server.port},
 * {@code var.x}, {@code $HTTP}, {@code include}), and the operators {@code = += := => == != =~ !~ =^ =$ ( ) { } [ ] ,
 * +}. Stateless.
 */
final class Lexer {
    private static final List<String> OPERATORS = List.of("+=", ":=", "=>", "==", "!=", "=~", "!~", "=^", "=$",
            "=", "(", ")", "{", "}", "[", "]", ",", "+");

    private Lexer() {
    }

    static List<Token> tokens(String text, Path file) throws LighttpdSyntaxException {
        List<Token> tokens = new ArrayList<>();
        int line = 1;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (Character.isWhitespace(c) || c == ';') {
                i++; // lighttpd allows ';' between statements
            } else if (c == '#') {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '"') {
                int start = line;
                StringBuilder s = new StringBuilder();
                i++;
                while (true) {
                    if (i >= text.length()) {
                        throw new LighttpdSyntaxException(new Location(file, start), "unterminated string");
                    }
                    char d = text.charAt(i);
                    if (d == '"') {
                        i++;
                        break;
                    }
                    char after = i + 1 < text.length() ? text.charAt(i + 1) : 0;
                    if (d == '\\' && (after == '"' || after == '\\')) {
                        s.append(text.charAt(i + 1));
                        i += 2;
                        continue;
                    }
                    if (d == '\n') {
                        line++;
                    }
                    s.append(d);
                    i++;
                }
                tokens.add(new Token(Token.Kind.STRING, s.toString(), new Location(file, start)));
            } else if (Character.isDigit(c)) {
                int start = i;
                while (i < text.length() && Character.isDigit(text.charAt(i))) {
                    i++;
                }
                tokens.add(new Token(Token.Kind.INTEGER, text.substring(start, i), new Location(file, line)));
            } else if (Character.isLetter(c) || c == '$' || c == '_') {
                int start = i;
                i++;
                while (i < text.length() && isNamePart(text.charAt(i))) {
                    i++;
                }
                tokens.add(new Token(Token.Kind.NAME, text.substring(start, i), new Location(file, line)));
            } else {
                String op = null;
                for (String candidate : OPERATORS) {
                    if (text.startsWith(candidate, i)) {
                        op = candidate;
                        break;
                    }
                }
                if (op == null) {
                    throw new LighttpdSyntaxException(new Location(file, line), "unexpected character '%s'"
                            .formatted(c));
                }
                tokens.add(new Token(Token.Kind.OPERATOR, op, new Location(file, line)));
                i += op.length();
            }
        }
        tokens.add(new Token(Token.Kind.END, "", new Location(file, line)));
        return tokens;
    }

    private static boolean isNamePart(char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_';
    }
}
