package io.sluice.tunnel.config;

import java.util.Objects;

/** One {@code wstunnel.map-extensions} entry: a path suffix and the route key it maps to. */
public record ExtensionMapping(String suffix, String routeKey) {
    public ExtensionMapping {
        Objects.requireNonNull(suffix, "suffix");
        Objects.requireNonNull(routeKey, "routeKey");
    }
}
