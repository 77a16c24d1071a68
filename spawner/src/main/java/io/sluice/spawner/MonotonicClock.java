package io.sluice.spawner;

import java.time.Instant;
import java.time.InstantSource;
import java.util.function.LongSupplier;

/**
 * The supervisor's clock: the wall time at its creation plus the monotonic {@link System#nanoTime()} elapsed since.
 * Every timer of the pools ({@code disable-time}, {@code idle-timeout}, restart backoffs, {@code max-age},
 * {@code accept-timeout}, {@code start-timeout}) compares instants of this clock, so a wall clock stepped back or
 * forward (an NTP step, {@code date -s}, a resumed VM) neither holds a disabled worker out of rotation for an hour nor
 * stops every idle worker at once. Instants it gives drift from wall time by as much as the wall clock was stepped;
 * they are only shown as "idle since" and start times in status. Thread-safe (immutable).
 */
public final class MonotonicClock implements InstantSource {
    private final Instant origin;
    private final long originNanos;
    private final LongSupplier nanoTime;

    private MonotonicClock(Instant origin, LongSupplier nanoTime) {
        this.origin = origin;
        this.nanoTime = nanoTime;
        this.originNanos = nanoTime.getAsLong();
    }

    /** A clock that starts at the wall time now and then follows {@link System#nanoTime()} only. */
    public static MonotonicClock startingNow() {
        return new MonotonicClock(Instant.now(), System::nanoTime);
    }

    /** A clock that starts at {@code origin} and then follows {@code nanoTime} (tests drive one by hand). */
    public static MonotonicClock of(Instant origin, LongSupplier nanoTime) {
        return new MonotonicClock(origin, nanoTime);
    }

    @Override
    public Instant instant() {
        return origin.plusNanos(nanoTime.getAsLong() - originNanos);
    }
}
