package io.sluice.tunnel.config;

import io.sluice.spawner.spec.BackendGroup;
import java.time.Duration;
import java.util.Objects;

/**
 * One {@code wstunnel.server} entry: the route key (a {@code /}-prefix or a suffix), its tunnel options (route
 * values over the {@code wstunnel.*} defaults) and its backends.
 */
public record RouteSpec(
        String key,
        FrameType frameType,
        OriginPolicy origins,
        Duration pingInterval,
        Duration pongTimeout,
        BackendGroup backends) {

    public RouteSpec {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(frameType, "frameType");
        Objects.requireNonNull(origins, "origins");
        Objects.requireNonNull(pingInterval, "pingInterval");
        Objects.requireNonNull(pongTimeout, "pongTimeout");
        Objects.requireNonNull(backends, "backends");
    }

    /** A key starting with {@code /} is a byte prefix of the path; any other key a suffix (lighttpd). */
    public boolean isPrefix() {
        return key.startsWith("/");
    }
}
