package io.sluice.spawner.pool;

import io.sluice.spawner.registry.ConnectTerms;
import io.sluice.spawner.registry.Lease;
import io.sluice.spawner.status.LiveKey;
import java.time.Instant;
import java.util.Objects;

/**
 * One run of one key's worker: a single-run {@link Worker} (its state, load and last use), its {@link Incarnation}
 * (socket, process, the ready and exit futures that leases carry) and the lease owner. Created by the first acquire
 * that finds no worker for the key (on an event loop, already holding that session's load), started once on the
 * supervisor thread, stopped once, never restarted: the key's next session after this one closed gets a new
 * KeyWorker. The key itself is held in memory only; everything written or logged uses {@link #hash}.
 * Final fields are safe on any thread; the rest is confined to the supervisor thread.
 */
final class KeyWorker {

    final String key;
    final String hash;
    final Worker worker;
    final Incarnation run;
    final LeaseOwner owner;
    /** A newer run of the same key, held back until this one is reaped. Supervisor thread. */
    KeyWorker successor;
    /** Whether the supervisor has handled this run's start request. Supervisor thread. */
    boolean startHandled;

    KeyWorker(String key, String hash, Worker worker, LeaseOwner owner) {
        this.key = Objects.requireNonNull(key, "key");
        this.hash = Objects.requireNonNull(hash, "hash");
        this.worker = Objects.requireNonNull(worker, "worker");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.run = new Incarnation();
        worker.setIncarnation(run);
    }

    /** A lease on this run; the caller has claimed its load. Ready once the process was spawned. Any thread. */
    Lease lease(String route, ConnectTerms terms) {
        return new Lease(route, worker.backendName(), worker.address(), terms, owner, run.readyView, run.exitView);
    }

    /** What operators may see of this key now. Supervisor thread. */
    LiveKey status() {
        WorkerState state = worker.state();
        LiveKey.State shown = switch (state) {
            case DEAD, STARTING -> LiveKey.State.STARTING;
            case RUNNING, DISABLED -> worker.closed() ? LiveKey.State.STOPPING : LiveKey.State.RUNNING;
            case STOPPING -> LiveKey.State.STOPPING;
        };
        int sessions = worker.load();
        Instant idleSince = sessions == 0 && run.startedAt != null ? worker.lastUsed() : null;
        long pid = run.child == null ? 0 : run.child.pid();
        return new LiveKey(hash, pid, shown, sessions, run.startedAt, idleSince);
    }

    @Override
    public String toString() {
        return "key " + hash + " (" + worker.name() + ")";
    }
}
