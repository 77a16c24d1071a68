package io.sluice.tunnel.config;

import io.sluice.spawner.spec.BackendGroup;
import java.time.Duration;
import java.util.Objects;

/**
 * One {@code wstunnel.server} entry: the route key (a {@code /}-prefix or a suffix), its tunnel options (route
 * values over the {@code wstunnel.*} defaults) and its backends. Immutable; validates itself in option terms.
 * A zero {@code pingInterval} or {@code pongTimeout} means never; the pong timeout counts from the last pong (or the
 * handshake), so with pings on it must exceed the ping interval. {@code keyRule} is set exactly when the route's host
 * is {@code instances: per-key}: how a session's key is found and checked before any backend is touched.
 * {@code cgi} is set exactly when the route's host is {@code instances: per-connection}: what its programs' CGI
 * environment carries beyond the request. {@code framing} holds for every host of the route; {@code devConsole} asks
 * for the console page on plain GETs of the route's paths (served only on a loopback {@code server.bind}, see
 * {@link SluiceConfig#servesDevConsole}).
 *
 * <p>{@code compression} is the route's own {@code compression}, null when it does not set one (then
 * {@code server.compression} decides, see {@link SluiceConfig#compresses}).
 */
public record RouteSpec(
        String key,
        FrameType frameType,
        OriginPolicy origins,
        Duration pingInterval,
        Duration pongTimeout,
        BackendGroup backends,
        KeyRule keyRule,
        MessageFraming framing,
        boolean devConsole,
        CgiRule cgi,
        Boolean compression) {

    public static final FrameType DEFAULT_FRAME_TYPE = FrameType.TEXT;
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_PONG_TIMEOUT = Duration.ofSeconds(60);

    /** A route without a per-key host, with {@code framing: stream} and no dev console. */
    public RouteSpec(String key, FrameType frameType, OriginPolicy origins, Duration pingInterval,
                     Duration pongTimeout, BackendGroup backends) {
        this(key, frameType, origins, pingInterval, pongTimeout, backends, null, MessageFraming.STREAM, false, null);
    }

    /** A route that leaves compression to {@code server.compression}. */
    public RouteSpec(String key, FrameType frameType, OriginPolicy origins, Duration pingInterval,
                     Duration pongTimeout, BackendGroup backends, KeyRule keyRule, MessageFraming framing,
                     boolean devConsole, CgiRule cgi) {
        this(key, frameType, origins, pingInterval, pongTimeout, backends, keyRule, framing, devConsole, cgi, null);
    }

    public RouteSpec {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(frameType, "frameType");
        Objects.requireNonNull(origins, "origins");
        Objects.requireNonNull(pingInterval, "pingInterval");
        Objects.requireNonNull(pongTimeout, "pongTimeout");
        Objects.requireNonNull(backends, "backends");
        Objects.requireNonNull(framing, "framing");
        Violations v = new Violations();
        ServerOptions.nonNegative(v, "ping-interval", pingInterval);
        ServerOptions.nonNegative(v, "pong-timeout", pongTimeout);
        boolean pings = !pingInterval.isZero() && !pingInterval.isNegative();
        if (pings && !pongTimeout.isZero() && pongTimeout.compareTo(pingInterval) <= 0) {
            v.add("pong-timeout", "must be longer than ping-interval (%s), got %s"
                    .formatted(Durations.format(pingInterval), Durations.format(pongTimeout)),
                    "a longer time, or 0 for never");
        }
        if ((keyRule != null) != (backends.perKeyBackend() != null)) {
            throw new IllegalArgumentException("route '%s': a key rule goes with a per-key host, and only with one"
                    .formatted(key));
        }
        if ((cgi != null) != (backends.perConnectionBackend() != null)) {
            throw new IllegalArgumentException(("route '%s': a CGI rule goes with a per-connection host, and only "
                    + "with one").formatted(key));
        }
        if (!key.equals(backends.route())) {
            throw new IllegalArgumentException(
                    "backends are for route '%s', not '%s'".formatted(backends.route(), key));
        }
        v.throwIfAny();
    }

    /** A key starting with {@code /} is a byte prefix of the path; any other key a suffix (lighttpd). */
    public boolean isPrefix() {
        return key.startsWith("/");
    }

    /** Whether the path (URL-decoded, no query) is matched by this route's key, case-sensitively, as lighttpd. */
    public boolean matches(String path) {
        return isPrefix() ? path.startsWith(key) : path.endsWith(key);
    }
}
