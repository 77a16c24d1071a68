package io.sluice.spawner.pool;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * How long a crashed worker waits before its restart: 1 s after the first crash, doubling to 60 s, each delay spread
 * by ±20% jitter so that workers that crashed together do not restart together. A worker that ran healthy for 30 s
 * before it crashed starts the sequence again. Immutable; thread-safe when its random source is.
 */
public final class RestartBackoff {

    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(60);
    static final Duration HEALTHY = Duration.ofSeconds(30);
    static final double JITTER = 0.2;

    private final DoubleSupplier random;

    /** @param random uniform values in [0, 1); 0.5 means no jitter */
    RestartBackoff(DoubleSupplier random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The production backoff, with jitter from {@link ThreadLocalRandom}. */
    public static RestartBackoff withJitter() {
        return new RestartBackoff(() -> ThreadLocalRandom.current().nextDouble());
    }

    /** The delay before the restart that follows crash number {@code crashes} (1 for the first) in a row. */
    Duration delay(int crashes) {
        if (crashes < 1) {
            throw new IllegalArgumentException("crashes must be at least 1, got " + crashes);
        }
        long base = FIRST.toMillis() << Math.min(crashes - 1, 16);
        base = Math.min(base, MAX.toMillis());
        double factor = 1 + JITTER * (2 * random.getAsDouble() - 1);
        return Duration.ofMillis(Math.round(base * factor));
    }

    /** Whether a worker that ran {@code uptime} before it crashed was healthy, so that its crash count restarts. */
    boolean wasHealthy(Duration uptime) {
        return uptime.compareTo(HEALTHY) >= 0;
    }
}
