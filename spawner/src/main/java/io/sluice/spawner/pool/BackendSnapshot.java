package io.sluice.spawner.pool;

import io.sluice.spawner.registry.BackendView;
import io.sluice.spawner.registry.ConnectTerms;
import io.sluice.spawner.registry.Lease;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.BackendSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * One backend as the registry sees it at one moment: its RUNNING workers (newest first) with their lease owners and
 * runs, every worker for the backend's load, and, for a spawned backend with no RUNNING worker, the worker that will
 * be started for a waiting connection. Immutable apart from the workers' atomic loads; safe on any thread.
 */
final class BackendSnapshot implements BackendView {

    private final String name;
    private final BackendAddress address;
    private final ConnectTerms terms;
    private final int maxLoadPerProc;
    private final boolean canGrow;
    private final Worker[] running;
    private final LeaseOwner[] owners;
    /** Per running worker: its run (ready and exit futures), or null for an existing server. */
    private final Incarnation[] runs;
    private final Worker[] all;
    /** The worker a connection waits for when none runs; null when there is none to start. */
    private final Worker pending;
    private final LeaseOwner pendingOwner;
    private final Incarnation pendingRun;
    private final InstantSource clock;
    private final Detail inactiveDetail;

    /** Why a backend takes no connection, worded at the moment a connection is refused. */
    @FunctionalInterface
    interface Detail {
        String at(Instant now);

        /** What a 503 body may say of it (no backend name, address, path or binary), or null for nothing. */
        default String forClients(Instant now) {
            return null;
        }
    }

    /**
     * Why no worker takes connections, worded when a connection is refused (the wait left changes by then): the
     * latest failed start and the next try, or the workers' states ({@code counts}) and when the next restart is due.
     */
    static Detail inactiveDetail(FailedStarts.Failure failure, String counts, Instant nextRestart) {
        if (failure != null) {
            return new Detail() {
                @Override
                public String at(Instant now) {
                    return failure.describe(now);
                }

                @Override
                public String forClients(Instant now) {
                    return failure.describeForClients(now);
                }
            };
        }
        if (nextRestart == null) {
            return now -> counts;
        }
        return now -> now.isBefore(nextRestart)
                ? counts + ", restarting in " + WorkerRunner.human(Duration.between(now, nextRestart)) : counts;
    }

    BackendSnapshot(BackendSpec spec, Worker[] running, LeaseOwner[] owners, Worker[] all, boolean canGrow,
                    String inactiveDetail) {
        this(spec, running, owners, new Incarnation[running.length], all, canGrow, null, null, null,
                InstantSource.system(), now -> inactiveDetail);
    }

    BackendSnapshot(BackendSpec spec, Worker[] running, LeaseOwner[] owners, Incarnation[] runs, Worker[] all,
                    boolean canGrow, Worker pending, LeaseOwner pendingOwner, Incarnation pendingRun,
                    InstantSource clock, Detail inactiveDetail) {
        this.clock = clock;
        this.runs = runs;
        this.pending = pending;
        this.pendingOwner = pendingOwner;
        this.pendingRun = pendingRun;
        this.name = spec.name();
        this.address = spec.address();
        this.terms = new ConnectTerms(spec.connectTimeout(), spec.connectTimeout(), spec.proxyProtocol());
        this.maxLoadPerProc = spec.limits().maxLoadPerProc();
        this.canGrow = canGrow;
        this.running = running;
        this.owners = owners;
        this.all = all;
        this.inactiveDetail = inactiveDetail;
    }

    /**
     * The worker a new connection goes to (lighttpd §4.4): the first RUNNING worker in list order, replaced by any
     * later one with strictly lower load, so among equal loads the newest wins.
     *
     * @return an index into the running workers, or -1 when none runs (or every one is claimed by an idle stop)
     */
    int pickWorker() {
        int chosen = -1;
        int lowest = 0;
        for (int i = 0; i < running.length; i++) {
            int load = running[i].leasableLoad();
            if (load < 0) {
                continue; // an idle stop claimed it after this snapshot was made
            }
            if (chosen < 0 || load < lowest) {
                chosen = i;
                lowest = load;
            }
        }
        return chosen;
    }

    Worker worker(int index) {
        return running[index];
    }

    /** Whether this snapshot has RUNNING workers (some may have been claimed by an idle stop since). */
    boolean hasRunning() {
        return running.length > 0;
    }

    /** A lease on running worker {@code index}; the caller has claimed its load. */
    Lease lease(String route, int index) {
        Incarnation run = runs[index];
        if (run == null) {
            return new Lease(route, name, running[index].address(), terms, owners[index]);
        }
        return new Lease(route, name, running[index].address(), terms, owners[index], run.readyView,
                run.exitView);
    }

    /** The worker to be started for a waiting connection, or null. */
    Worker pending() {
        return pending;
    }

    /** A lease on the {@link #pending()} worker, ready once it was spawned; the caller has claimed its load. */
    Lease pendingLease(String route) {
        return new Lease(route, name, pending.address(), terms, pendingOwner, pendingRun.readyView,
                pendingRun.exitView);
    }

    String name() {
        return name;
    }

    Duration connectTimeout() {
        return terms.connectTimeout();
    }

    /** Whether a worker at {@code load} (after the new claim) calls for another worker now. */
    boolean wantsAnotherWorker(int load) {
        return canGrow && load > maxLoadPerProc;
    }

    /**
     * Why this backend takes no connection, e.g. "'echo': 1 disabled" or "'echo': worker exits at start: exited with
     * code 0 after 2 ms; next try in 1.2 s"; meaningful only when not active.
     */
    String inactiveDetail() {
        return "'" + name + "': " + inactiveDetail.at(clock.instant());
    }

    /** The part of {@link #inactiveDetail()} a client may read (a failed start and the next try), or null. */
    String publicCause() {
        return inactiveDetail.forClients(clock.instant());
    }

    @Override
    public BackendAddress address() {
        return address;
    }

    /** The sum of every worker's load, disabled ones included, as lighttpd's {@code host->load}. */
    @Override
    public int load() {
        int sum = 0;
        for (Worker worker : all) {
            sum += worker.load();
        }
        return sum;
    }

    /** In rotation: a worker runs, or one will be started for the connection (min-procs 0, restart soon). */
    @Override
    public boolean active() {
        return running.length > 0 || pending != null;
    }
}
