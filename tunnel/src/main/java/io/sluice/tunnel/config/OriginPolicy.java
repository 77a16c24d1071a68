package io.sluice.tunnel.config;

import java.util.List;

/**
 * The parsed {@code origins} list. Placeholder shape: the config work fills in parsing and matching.
 */
public final class OriginPolicy {
    private final List<String> entries;

    private OriginPolicy(List<String> entries) {
        this.entries = List.copyOf(entries);
    }

    /** No origin check at all (option unset or empty). */
    public static OriginPolicy any() {
        return new OriginPolicy(List.of());
    }

    /** Whether an {@code Origin} header is needed at all. */
    public boolean checks() {
        return !entries.isEmpty();
    }

    /** Whether the given (non-null) Origin header value is allowed. */
    public boolean allows(String origin) {
        return entries.isEmpty() || entries.contains(origin);
    }

    public List<String> entries() {
        return entries;
    }
}
