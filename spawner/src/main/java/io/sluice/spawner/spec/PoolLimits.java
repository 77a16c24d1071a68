package io.sluice.spawner.spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How many workers a backend may run and when to add, stop or restart one: {@code min-procs}, {@code max-procs},
 * {@code max-load-per-proc}, {@code idle-timeout}, and {@code accept-timeout} (a worker whose accept queue does not
 * drain this long is hung and restarted; zero = never).
 */
public record PoolLimits(int minProcs, int maxProcs, int maxLoadPerProc, Duration idleTimeout,
                         Duration acceptTimeout) {

    /** {@code accept-timeout}'s default. */
    public static final Duration DEFAULT_ACCEPT_TIMEOUT = Duration.ofSeconds(10);

    /** A backend that is not spawned: exactly one address, as lighttpd forces min-procs = max-procs = 1. */
    public static final PoolLimits STATIC = new PoolLimits(1, 1, 1, Duration.ofSeconds(60));

    /** Limits with the default {@code accept-timeout}. */
    public PoolLimits(int minProcs, int maxProcs, int maxLoadPerProc, Duration idleTimeout) {
        this(minProcs, maxProcs, maxLoadPerProc, idleTimeout, DEFAULT_ACCEPT_TIMEOUT);
    }

    public PoolLimits {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(acceptTimeout, "acceptTimeout");
        List<InvalidOptionException> v = new ArrayList<>();
        if (minProcs < 0) {
            v.add(new InvalidOptionException("min-procs", "must not be negative, got " + minProcs, null));
        }
        if (maxProcs < 1) {
            v.add(new InvalidOptionException("max-procs", "must be at least 1, got " + maxProcs, null));
        } else if (minProcs > maxProcs) {
            v.add(new InvalidOptionException("max-procs",
                    "must be at least min-procs (%d), got %d".formatted(minProcs, maxProcs), null));
        }
        if (maxLoadPerProc < 0) {
            v.add(new InvalidOptionException("max-load-per-proc", "must not be negative, got " + maxLoadPerProc,
                    null));
        }
        if (idleTimeout.isNegative()) {
            v.add(new InvalidOptionException("idle-timeout", "must not be negative, got " + idleTimeout, null));
        }
        if (acceptTimeout.isNegative()) {
            v.add(new InvalidOptionException("accept-timeout", "must not be negative, got " + acceptTimeout, null));
        }
        InvalidOptionException.throwIfAny(v);
    }
}
