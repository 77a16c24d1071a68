package io.sluice.tunnel.cli;

import io.sluice.spawner.Supervisor;
import io.sluice.tunnel.server.TunnelServer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one shutdown order, run at most once from whichever thread asks first (the main thread on a signal, or the
 * JVM shutdown hook): drain the tunnel first so sessions close with 1001 while backends still answer, then stop
 * the supervisor, which stops every child through its ladder and removes every socket file.
 */
final class StopSequence implements Runnable {
    private final TunnelServer server;
    private final Supervisor supervisor;
    private final AtomicBoolean started = new AtomicBoolean();

    StopSequence(TunnelServer server, Supervisor supervisor) {
        this.server = server;
        this.supervisor = supervisor;
    }

    @Override
    public void run() {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        try {
            server.stop();
        } finally {
            supervisor.stop();
        }
    }
}
