package io.sluice.spawner.pool;

import io.sluice.spawner.registry.BackendView;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.BackendSpec;
import java.time.Duration;

/**
 * One backend as the registry sees it at one moment: its RUNNING workers (newest first) with their lease owners, and
 * every worker for the backend's load. Immutable apart from the workers' atomic loads; safe on any thread.
 */
final class BackendSnapshot implements BackendView {

    private final String name;
    private final BackendAddress address;
    private final Duration connectTimeout;
    private final int maxLoadPerProc;
    private final boolean canGrow;
    private final Worker[] running;
    private final LeaseOwner[] owners;
    private final Worker[] all;
    private final String inactiveDetail;

    BackendSnapshot(BackendSpec spec, Worker[] running, LeaseOwner[] owners, Worker[] all, boolean canGrow,
                    String inactiveDetail) {
        this.name = spec.name();
        this.address = spec.address();
        this.connectTimeout = spec.connectTimeout();
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
     * @return an index into the running workers, or -1 when none runs
     */
    int pickWorker() {
        int chosen = -1;
        int lowest = 0;
        for (int i = 0; i < running.length; i++) {
            int load = running[i].load();
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

    LeaseOwner owner(int index) {
        return owners[index];
    }

    String name() {
        return name;
    }

    Duration connectTimeout() {
        return connectTimeout;
    }

    /** Whether a worker at {@code load} (after the new claim) calls for another worker now. */
    boolean wantsAnotherWorker(int load) {
        return canGrow && load > maxLoadPerProc;
    }

    /** Why this backend takes no connection, e.g. "'echo': 1 disabled"; meaningful only when not active. */
    String inactiveDetail() {
        return "'" + name + "': " + inactiveDetail;
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

    @Override
    public boolean active() {
        return running.length > 0;
    }
}
