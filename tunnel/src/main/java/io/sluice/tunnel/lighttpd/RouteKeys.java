package io.sluice.tunnel.lighttpd;

/**
 * The Sluice route key for a {@code wstunnel.server} key inside a {@code $HTTP["url"]} block: lighttpd needs both the
 * condition and the key to match, Sluice has the key only, so the two are combined where one implies the other
 * (a literal prefix regex {@code ^/ws/} with key {@code ""} is the route {@code "/ws/"}). Null (with a warning) when
 * they cannot be combined. Stateless.
 */
final class RouteKeys {
    private static final String META = ".*+?()[]{}|$^";

    private RouteKeys() {
    }

    /** The condition as a key: a prefix ({@code /...}) or a suffix; null when it is not one. */
    static String conditionKey(Condition c, Notes notes) {
        String p = c.pattern();
        switch (c.operator()) {
            case "=^":
                return p;
            case "=$":
                return p.startsWith("/") ? null : p;
            case "==":
                notes.warn(c.where(), "%s matched exactly that path; Sluice matches it as a prefix".formatted(c));
                return p;
            case "=~":
                break;
            default:
                notes.warn(c.where(), "%s: a negated condition has no Sluice equivalent; its routes are not translated"
                        .formatted(c));
                return null;
        }
        if (!p.startsWith("^")) {
            notes.warn(c.where(), "%s: a regex not anchored with ^ has no Sluice equivalent; its routes are not"
                    .formatted(c) + " translated");
            return null;
        }
        StringBuilder literal = new StringBuilder();
        int i = 1;
        while (i < p.length()) {
            char ch = p.charAt(i);
            if (ch == '\\' && i + 1 < p.length() && !Character.isLetterOrDigit(p.charAt(i + 1))) {
                literal.append(p.charAt(i + 1));
                i += 2;
            } else if (META.indexOf(ch) >= 0) {
                break;
            } else {
                literal.append(ch);
                i++;
            }
        }
        String rest = p.substring(i);
        if (!(rest.isEmpty() || rest.equals(".*") || rest.equals("(/.*)?$") || rest.equals("(/|$)"))) {
            notes.warn(c.where(), "%s: only the literal prefix \"%s\" is translated (Sluice matches prefixes, not"
                    .formatted(c, literal) + " regexes)");
        }
        if (literal.isEmpty() || literal.charAt(0) != '/') {
            notes.warn(c.where(), "%s: no literal path prefix; its routes are not translated".formatted(c));
            return null;
        }
        return literal.toString();
    }

    /** The route key for {@code key} of a {@code wstunnel.server} in a block with condition key {@code scope}. */
    static String combine(String scope, String key, Condition c, Notes notes, Location where) {
        if (key.isEmpty() || key.equals(scope)) {
            return scope;
        }
        boolean scopeIsPrefix = scope.startsWith("/");
        if (key.startsWith("/") && scopeIsPrefix) {
            if (key.startsWith(scope)) {
                return key;
            }
            if (scope.startsWith(key)) {
                return scope;
            }
            notes.warn(where, "key \"%s\" can never match inside %s; not translated".formatted(key, c));
            return null;
        }
        notes.warn(where, "key \"%s\" inside %s: Sluice cannot require both; the key alone is used".formatted(key, c));
        return key;
    }
}
