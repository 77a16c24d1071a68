package io.sluice.tunnel.lighttpd;

/** One lexical token of a lighttpd config, with its line. */
record Token(Kind kind, String text, Location where) {
    enum Kind { STRING, INTEGER, NAME, OPERATOR, END }

    boolean is(String operator) {
        return kind == Kind.OPERATOR && text.equals(operator);
    }

    boolean isName(String name) {
        return kind == Kind.NAME && text.equals(name);
    }

    String describe() {
        return switch (kind) {
            case STRING -> "string \"" + text + "\"";
            case INTEGER -> "number " + text;
            case NAME -> "'" + text + "'";
            case OPERATOR -> "'" + text + "'";
            case END -> "end of file";
        };
    }
}
