package io.sluice.spawner.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spawner.MonotonicClock;
import io.sluice.spawner.spec.BackendAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The wall clock stepping back or forward must not move the supervisor's timers. With the wall clock as the pools'
 * clock (what {@code sluice run} used before {@link MonotonicClock}), a step back of an hour kept a worker disabled
 * for an hour and a step forward ended every {@code disable-time} at once; the monotonic clock measures elapsed time
 * only. Both clocks are driven by hand: a wall clock (ManualClock) and a nanosecond ticker.
 */
class ClockJumpTest {
    private static final Duration DISABLE_TIME = Duration.ofSeconds(5);
    private static final Duration STEP = Duration.ofHours(1);

    private static Worker disabledWorker(InstantSource clock) {
        Worker worker = new Worker("echo", 0, new BackendAddress.Tcp("127.0.0.1", 9000), DISABLE_TIME, clock,
                WorkerState.RUNNING, (w, from, to, why) -> { });
        worker.moveTo(WorkerState.DISABLED, "connect failed");
        return worker;
    }

    /** Whether the tick's disable-time rule would re-enable the worker now. */
    private static boolean reEnableDue(Worker worker, InstantSource clock) {
        return !clock.instant().isBefore(worker.disabledUntil());
    }

    @Test
    void aWallClockSteppedBackKeepsAWorkerDisabledForTheLengthOfTheStep() {
        ManualClock wall = new ManualClock();
        Worker worker = disabledWorker(wall);
        wall.advance(STEP.negated());
        wall.advance(DISABLE_TIME.plusSeconds(1));
        assertThat(reEnableDue(worker, wall)).as("the hazard the monotonic clock removes").isFalse();
    }

    @Test
    void theMonotonicClockReEnablesAfterDisableTimeWhateverTheWallClockDid() {
        AtomicLong nanos = new AtomicLong(123_456_789L);
        ManualClock wall = new ManualClock();
        MonotonicClock clock = MonotonicClock.of(wall.instant(), nanos::get);
        Worker worker = disabledWorker(clock);

        wall.advance(STEP.negated()); // an NTP step back: nothing the supervisor's clock reads
        nanos.addAndGet(DISABLE_TIME.minusMillis(1).toNanos());
        assertThat(reEnableDue(worker, clock)).as("before disable-time").isFalse();
        nanos.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(reEnableDue(worker, clock)).as("at disable-time").isTrue();
    }

    @Test
    void theMonotonicClockFollowsOnlyTheTickerFromItsOrigin() {
        AtomicLong nanos = new AtomicLong(-5_000_000_000L); // nanoTime may be any value, even negative
        Instant origin = Instant.parse("2026-06-01T12:00:00Z");
        MonotonicClock clock = MonotonicClock.of(origin, nanos::get);
        assertThat(clock.instant()).isEqualTo(origin);
        nanos.addAndGet(Duration.ofMinutes(3).toNanos());
        assertThat(clock.instant()).isEqualTo(origin.plus(Duration.ofMinutes(3)));
        assertThat(MonotonicClock.startingNow().instant()).isBetween(Instant.now().minusSeconds(5),
                Instant.now().plusSeconds(5));
    }
}
