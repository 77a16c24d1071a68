package io.sluice.tunnel.session;

import io.netty.channel.Channel;
import io.sluice.spawner.registry.Lease;
import io.sluice.spawner.registry.WorkerOutcome;
import io.sluice.spawner.spec.BackendAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides the close code when an open session's backend connection ended by itself. The kernel shows a worker's
 * crash as a plain EOF too, so this reads how the worker is: running (it ended just this connection) or exited 0 →
 * 1000 at once; failed → 1011 with how it ended as the reason ("exit 3"). Only a worker that is already dying makes
 * the session wait for its status: it reads again every few milliseconds on the session's loop, bounded by the
 * linger (still unknown then → 1011). A per-connection program is the session's own, so a running one is waited for
 * too (running still at the bound → 1000). Nothing is registered on the worker, so an ended session is garbage at
 * once. Confined to the session's event loop.
 */
final class WorkerEnd {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerEnd.class);
    /** How often a session whose worker is dying reads the outcome again; the reaper reports within milliseconds. */
    private static final long READ_INTERVAL_MS = 5;

    private final TunnelSession session;
    private final Channel client;
    private final Lease lease;
    private final Duration linger;
    /** The lease is on a per-connection program: this session's alone, its exit is this session's end. */
    private final boolean perSession;

    private WorkerEnd(TunnelSession session, Channel client, Lease lease, Duration linger) {
        this.session = session;
        this.client = client;
        this.lease = lease;
        this.linger = linger;
        this.perSession = lease.address() instanceof BackendAddress.Stdio;
    }

    /** Reads {@code lease}'s worker now and closes {@code session} with the code its outcome calls for. */
    static void settle(TunnelSession session, Channel client, Lease lease, Duration linger) {
        new WorkerEnd(session, client, lease, linger).read(Math.max(1, linger.toMillis() / READ_INTERVAL_MS));
    }

    private void read(long readsLeft) {
        if (session.state() != SessionState.OPEN) {
            return; // closed meanwhile: the client left, or the server stops
        }
        WorkerOutcome outcome = lease.workerOutcome();
        switch (outcome.kind()) {
            case ENDED_CLEANLY -> session.close(CloseReason.BACKEND_EOF);
            case FAILED -> failed(outcome.description());
            case RUNNING -> {
                // A shared worker that runs on ended just this connection. A session's own program that still runs
                // has closed its output and is about to exit, most likely: its status decides, within the linger.
                if (perSession && readsLeft > 1) {
                    readAgain(readsLeft);
                } else {
                    session.close(CloseReason.BACKEND_EOF);
                }
            }
            case EXITING -> {
                if (readsLeft <= 1) {
                    failed("exit status not known within " + linger.toMillis() + " ms");
                } else {
                    readAgain(readsLeft);
                }
            }
        }
    }

    private void readAgain(long readsLeft) {
        client.eventLoop().schedule(() -> read(readsLeft - 1), READ_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    private void failed(String how) {
        LOG.debug("route={} backend={} client={}: worker ended ({}); closing with 1011", session.route(),
                lease.address().describe(), ClientAddresses.remoteOf(client), how);
        session.workerFailed(how);
    }
}
