package io.sluice.tunnel.session;

import java.time.Duration;
import java.util.Objects;

/**
 * The timing options one session runs with, taken from the route and {@code server.*} (zero disables a timer).
 * {@code closeTimeout} bounds the whole CLOSING phase; {@code linger} bounds each wait for a peer's goodbye.
 */
public record SessionSettings(
        Duration pingInterval,
        Duration pongTimeout,
        Duration maxReadIdle,
        Duration closeTimeout,
        Duration linger) {

    /** How long we wait for the client's CLOSE reply or the backend's EOF before closing anyway. */
    public static final Duration DEFAULT_LINGER = Duration.ofSeconds(2);

    public SessionSettings {
        Objects.requireNonNull(pingInterval, "pingInterval");
        Objects.requireNonNull(pongTimeout, "pongTimeout");
        Objects.requireNonNull(maxReadIdle, "maxReadIdle");
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        Objects.requireNonNull(linger, "linger");
    }
}
