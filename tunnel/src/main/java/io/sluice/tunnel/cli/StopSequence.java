package io.sluice.tunnel.cli;

import io.sluice.spawner.Supervisor;
import io.sluice.tunnel.server.TunnelServer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one shutdown order, run at most once from whichever thread asks first (the main thread on a signal, or the
 * JVM shutdown hook): drain the tunnel first so sessions close with 1001 while backends still answer, then stop
 * the supervisor, which stops every child through its ladder and removes every socket file. A step that fails is
 * logged and the next one still runs: workers must be stopped even when the tunnel's stop went wrong.
 */
final class StopSequence implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(StopSequence.class);

    private final TunnelServer server;
    private final Supervisor supervisor;
    private final AtomicBoolean started = new AtomicBoolean();

    StopSequence(TunnelServer server, Supervisor supervisor) {
        this.server = server;
        this.supervisor = supervisor;
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
        boolean clean = step("tunnel server", server::stop);
        return step("supervisor", supervisor::stop) && clean;
    }

    private static boolean step(String what, Runnable stop) {
        try {
            stop.run();
            return true;
        } catch (RuntimeException e) {
            log.error("stopping the {} failed", what, e);
            return false;
        }
    }
}
