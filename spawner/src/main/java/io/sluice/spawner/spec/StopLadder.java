package io.sluice.spawner.spec;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a worker is stopped, as data: each step sends its signal to the worker's process group and waits up to its
 * grace for the worker to exit before the next step. The same ladder serves idle stop, scale-down, reload and
 * shutdown. Immutable.
 */
public record StopLadder(List<Step> steps) {
    /** SIGKILL on Linux; spec imports nothing native, so the number is spelled out. */
    public static final int SIGKILL = 9;
    /** How long the final SIGKILL step waits for the reaping before the runner reports a stuck process. */
    public static final Duration KILL_GRACE = Duration.ofSeconds(5);

    public StopLadder {
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a stop ladder needs at least one step");
        }
    }

    /** {@code killSignal} for {@code stopTimeout}, then SIGKILL for {@link #KILL_GRACE}. */
    public static StopLadder of(int killSignal, Duration stopTimeout) {
        if (killSignal == SIGKILL) {
            return new StopLadder(List.of(new Step(SIGKILL, KILL_GRACE)));
        }
        return new StopLadder(List.of(new Step(killSignal, stopTimeout), new Step(SIGKILL, KILL_GRACE)));
    }

    /** The ladder a launch spec asks for ({@code kill-signal}, {@code stop-timeout}). */
    public static StopLadder of(LaunchSpec launch) {
        return of(launch.killSignal(), launch.stopTimeout());
    }

    /** Send {@code signal} to the process group, then wait up to {@code grace} for the exit. */
    public record Step(int signal, Duration grace) {
        public Step {
            Objects.requireNonNull(grace, "grace");
            if (signal < 1 || signal > 64) {
                throw new IllegalArgumentException("signal must be 1..64, got " + signal);
            }
            if (grace.isNegative()) {
                throw new IllegalArgumentException("grace must not be negative, got " + grace);
            }
        }
    }
}
