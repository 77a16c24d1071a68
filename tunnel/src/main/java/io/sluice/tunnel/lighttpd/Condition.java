package io.sluice.tunnel.lighttpd;

/**
 * A conditional block's condition, {@code $HTTP["url"] =~ "^/ws/"}: {@code field} is {@code $HTTP["url"]},
 * {@code operator} one of {@code == != =~ !~ =^ =$}, or {@code else} for an else branch (pattern then null).
 * {@code parent} is the enclosing block's condition, null at the top. Immutable.
 */
record Condition(String field, String operator, String pattern, Location where, Condition parent) {

    boolean isUrl() {
        return field.equals("$HTTP[\"url\"]");
    }

    @Override
    public String toString() {
        return operator.equals("else") ? "else" : field + " " + operator + " \"" + pattern + "\"";
    }
}
