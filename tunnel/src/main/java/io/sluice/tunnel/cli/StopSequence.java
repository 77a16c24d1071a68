package io.sluice.tunnel.cli;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one shutdown order, run at most once from whichever thread asks first (the main thread on a signal, or the
 * JVM shutdown hook): first /readyz turns 503, so a load balancer stops sending before any tunnel is told to close;
 * then the tunnel drains, so sessions close with 1001 while backends still answer; then the supervisor stops every
 * child through its ladder and removes every socket file; the admin listener goes last, answering 503 meanwhile. A
 * step that fails is logged and the next one still runs: workers must be stopped even when the tunnel's stop went
 * wrong.
 */
final class StopSequence implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(StopSequence.class);

    /** One named step of the stop. */
    record Step(String what, Runnable action) {
    }

    private final List<Step> steps;
    private final AtomicBoolean started = new AtomicBoolean();

    private StopSequence(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    /** The order {@code sluice run} stops in; each argument is one step. */
    static StopSequence forRun(Runnable markNotReady, Runnable stopTunnel, Runnable stopSupervisor,
                               Runnable stopOperations) {
        return new StopSequence(List.of(new Step("readiness", markNotReady), new Step("tunnel server", stopTunnel),
                new Step("supervisor", stopSupervisor), new Step("admin listener and access log", stopOperations)));
    }

    @Override
    public void run() {
        stop();
    }

    /**
     * Stops everything once; a second call returns at once. Returns false when a step failed (logged): failures
     * Sluice survived while running do not count, only the stop's own.
     */
    boolean stop() {
        if (!started.compareAndSet(false, true)) {
            return true;
        }
        boolean clean = true;
        for (Step step : steps) {
            clean &= run(step);
        }
        return clean;
    }

    private static boolean run(Step step) {
        try {
            step.action().run();
            return true;
        } catch (RuntimeException e) {
            log.error("stopping the {} failed", step.what(), e);
            return false;
        }
    }
}
