package io.sluice.tunnel.config;

import java.util.Objects;

/**
 * Where a per-key host takes a session's key from ({@code key:}): a request header, a cookie, a query parameter, the
 * client's address, or the path after the route prefix. {@code name} is the header, cookie or parameter name, and
 * null for the last two. Immutable.
 */
public record KeySource(Kind kind, String name) {

    /** The forms {@code key:} accepts. */
    public static final String ALLOWED = "header:NAME, cookie:NAME, query:NAME, remote-addr, path";

    /** The kinds of source, by their config spelling. */
    public enum Kind {
        HEADER("header"),
        COOKIE("cookie"),
        QUERY("query"),
        REMOTE_ADDR("remote-addr"),
        PATH("path");

        private final String configName;

        Kind(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }

        boolean named() {
            return this == HEADER || this == COOKIE || this == QUERY;
        }
    }

    public KeySource {
        Objects.requireNonNull(kind, "kind");
        if (kind.named() != (name != null)) {
            throw new IllegalArgumentException(kind.configName() + (kind.named() ? " needs a name" : " has no name"));
        }
    }

    /**
     * Parses {@code header:X-User}, {@code cookie:session}, {@code query:user}, {@code remote-addr} or {@code path}.
     *
     * @throws IllegalArgumentException whose message is the problem
     */
    public static KeySource parse(String text) {
        int colon = text.indexOf(':');
        String kind = colon < 0 ? text : text.substring(0, colon);
        String name = colon < 0 ? null : text.substring(colon + 1);
        for (Kind k : Kind.values()) {
            if (!k.configName.equals(kind)) {
                continue;
            }
            if (k.named() && (name == null || name.isEmpty())) {
                throw new IllegalArgumentException("'%s' needs a name: %s:NAME".formatted(text, kind));
            }
            if (!k.named() && name != null) {
                throw new IllegalArgumentException("'%s' takes no name".formatted(text));
            }
            if (k.named() && !name.matches(k == Kind.QUERY ? "[^\\s&=#]+" : "[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                throw new IllegalArgumentException("'%s' is not a %s name".formatted(name, kind));
            }
            return new KeySource(k, name);
        }
        throw new IllegalArgumentException("'%s' is not a key source".formatted(text));
    }

    /** "header X-User", "the client address", for messages. */
    public String describe() {
        return switch (kind) {
            case HEADER -> "header " + name;
            case COOKIE -> "cookie " + name;
            case QUERY -> "query parameter " + name;
            case REMOTE_ADDR -> "the client address";
            case PATH -> "the path after the route";
        };
    }
}
