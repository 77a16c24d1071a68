package io.sluice.tunnel.config;

import java.util.Objects;

/**
 * One {@code wstunnel.map-extensions} entry: a path suffix and the route key it maps to. Immutable. Mappings are
 * tried in config order before the routes; the first suffix that ends the path wins (lighttpd).
 */
public record ExtensionMapping(String suffix, String routeKey) {
    public ExtensionMapping {
        Objects.requireNonNull(suffix, "suffix");
        Objects.requireNonNull(routeKey, "routeKey");
    }

    /** Whether the path ends with this suffix (case-sensitive, as lighttpd). */
    public boolean matches(String path) {
        return path.endsWith(suffix);
    }
}
