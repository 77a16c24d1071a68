package io.sluice.tunnel.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a route with a per-key host finds and checks a session's key: where it comes from ({@code key}), the pattern it
 * must match as a whole ({@code key-pattern}), the key used when the request has none ({@code key-default}, null =
 * refuse), and whether the key names a folder ({@code cwd} contains {@code {key}}), in which case a key must also be
 * one ordinary path component. Keys never contain NUL, whatever the pattern. Immutable; validates itself.
 */
public record KeyRule(KeySource source, Pattern pattern, String defaultKey, boolean namesFolder) {

    /** {@code key-pattern}'s default. */
    public static final String DEFAULT_PATTERN = "[A-Za-z0-9._@-]{1,128}";
    /** {@code key-pattern}'s default for {@code key: remote-addr}: IPv4 and IPv6 addresses. */
    public static final String DEFAULT_ADDRESS_PATTERN = "[0-9A-Za-z.:%]{1,64}";

    public KeyRule {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(pattern, "pattern");
        Violations v = new Violations();
        if (pattern.matcher("").matches()) {
            v.add("key-pattern", "matches the empty key; a key must not be empty", "a pattern such as "
                    + DEFAULT_PATTERN);
        }
        if (defaultKey != null) {
            String why = problem(defaultKey, pattern, namesFolder);
            if (why != null) {
                v.add("key-default", why, null);
            }
        }
        v.throwIfAny();
    }

    /**
     * By value, the pattern by its text and flags ({@link Pattern} has identity equality): a reload compares routes
     * with {@code equals}, and an unchanged per-key route must compare equal.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof KeyRule other && source.equals(other.source) && namesFolder == other.namesFolder
                && Objects.equals(defaultKey, other.defaultKey) && pattern.pattern().equals(other.pattern.pattern())
                && pattern.flags() == other.pattern.flags();
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, pattern.pattern(), pattern.flags(), defaultKey, namesFolder);
    }

    /** The default pattern for {@code source}. */
    public static String defaultPattern(KeySource source) {
        return source.kind() == KeySource.Kind.REMOTE_ADDR ? DEFAULT_ADDRESS_PATTERN : DEFAULT_PATTERN;
    }

    /** Why {@code key} is refused, for the 400 body (never echoing the key), or null when it is fine. */
    public String refusal(String key) {
        return problem(key, pattern, namesFolder);
    }

    private static String problem(String key, Pattern pattern, boolean namesFolder) {
        if (key.indexOf('\0') >= 0) {
            return "the key contains a NUL character";
        }
        if (!pattern.matcher(key).matches()) {
            return "the key does not match key-pattern " + pattern.pattern();
        }
        if (namesFolder && (key.equals(".") || key.equals("..") || key.indexOf('/') >= 0)) {
            return "the key cannot name a folder (it is . or .. or contains /)";
        }
        return null;
    }
}
