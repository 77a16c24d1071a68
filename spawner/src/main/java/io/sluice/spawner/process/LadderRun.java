package io.sluice.spawner.process;

import io.sluice.spawner.posix.Signals;
import io.sluice.spawner.spec.StopLadder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a {@link StopLadder} against one child: the per-stop progress that lives only while the worker stops.
 * Steps run on the caller's thread (the first) and on the timer executor (the rest); the current timer is cancelled
 * as soon as the child is reaped.
 */
final class LadderRun {
    private static final Logger LOG = LoggerFactory.getLogger(LadderRun.class);

    private final ChildProcess child;
    private final List<StopLadder.Step> steps;
    private final ScheduledExecutorService timer;
    private volatile ScheduledFuture<?> pending;

    LadderRun(ChildProcess child, StopLadder ladder, ScheduledExecutorService timer) {
        this.child = child;
        this.steps = ladder.steps();
        this.timer = timer;
    }

    CompletableFuture<ExitStatus> start() {
        CompletableFuture<ExitStatus> exit = child.exit();
        exit.whenComplete((status, failure) -> {
            ScheduledFuture<?> timerTask = pending;
            if (timerTask != null) {
                timerTask.cancel(false);
            }
        });
        step(0);
        return exit;
    }

    private void step(int index) {
        if (child.exit().isDone()) {
            return;
        }
        StopLadder.Step step = steps.get(index);
        if (index > 0) {
            StopLadder.Step previous = steps.get(index - 1);
            LOG.warn("{} ignored {} for {}; sending {}", child, Signals.name(previous.signal()),
                    human(previous.grace()), Signals.name(step.signal()));
        }
        try {
            child.signalGroup(step.signal());
        } catch (RuntimeException e) {
            LOG.error("{}: cannot send {}: {}", child, Signals.name(step.signal()), e.getMessage());
        }
        boolean last = index == steps.size() - 1;
        pending = timer.schedule(() -> last ? reportStuck(step) : next(index + 1),
                step.grace().toMillis(), TimeUnit.MILLISECONDS);
        if (child.exit().isDone()) {
            pending.cancel(false);
        }
    }

    private Object next(int index) {
        step(index);
        return null;
    }

    private Object reportStuck(StopLadder.Step step) {
        if (!child.exit().isDone()) {
            LOG.error("{} is still not reaped {} after {}; waiting for it (uninterruptible sleep?)", child,
                    human(step.grace()), Signals.name(step.signal()));
        }
        return null;
    }

    static String human(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
