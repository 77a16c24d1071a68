package io.sluice.spawner.pool;

import io.sluice.spawner.spec.BackendSpec;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers of one backend of one route and the rules that change them, driven by {@link #tick(Instant)}
 * (lighttpd's {@code gw_handle_trigger_host}). A backend without {@code bin-path} is a pool of exactly one worker that
 * is never spawned. Confined to the supervisor thread, except {@link #snapshot()} results, which are immutable.
 */
public final class ProcessPool {

    private static final Logger log = LoggerFactory.getLogger(ProcessPool.class);

    private final String route;
    private final BackendSpec spec;
    private final InstantSource clock;
    private final Executor supervisorThread;
    private final WorkerListener listener;
    /** Newest first, as lighttpd prepends procs: among equal loads the newest worker wins. */
    private final List<Worker> workers = new ArrayList<>();
    private final Map<Worker, LeaseOwner> owners = new IdentityHashMap<>();

    /**
     * @param supervisorThread where lease reports are posted; must run tasks one at a time, on the thread that owns
     *                         this pool
     * @param listener         told of every worker state change (the supervisor republishes the route's snapshot)
     */
    public ProcessPool(String route, BackendSpec spec, InstantSource clock, Executor supervisorThread,
                       WorkerListener listener) {
        this.route = Objects.requireNonNull(route, "route");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.supervisorThread = Objects.requireNonNull(supervisorThread, "supervisorThread");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Creates the first workers: for an existing server, its one worker, RUNNING at once. */
    public void start() {
        if (!workers.isEmpty()) {
            throw new IllegalStateException("backend '%s' of route '%s' already started".formatted(spec.name(), route));
        }
        if (spec.hasLaunch()) {
            throw new UnsupportedOperationException(
                    "backend '%s' of route '%s': spawned backends (bin-path) are not supported yet"
                            .formatted(spec.name(), route));
        }
        add(new Worker(spec.name(), 0, spec.address(), spec.disableTime(), clock, WorkerState.RUNNING, listener));
    }

    /**
     * One step of the pool rules at {@code now}, in lighttpd's order. The spawned-pool rules (restart dead workers,
     * spawn on overload, stop one idle worker) join here, in this one method.
     */
    public void tick(Instant now) {
        for (Worker worker : workers) {
            // disable-time: a worker disabled after a connect failure returns on the first tick past its deadline.
            if (worker.state() == WorkerState.DISABLED && now.isAfter(worker.disabledUntil())) {
                worker.moveTo(WorkerState.RUNNING,
                        "re-enabled after disable-time " + spec.disableTime().toSeconds() + "s");
            }
        }
    }

    /**
     * A tunnel could not connect to {@code worker}: take it out of rotation for {@code disable-time}. Reports about a
     * worker that is no longer RUNNING (a second failure of an older lease) change nothing.
     */
    void connectFailed(Worker worker, Throwable cause) {
        int failures = worker.countConnectFailure();
        if (worker.state() != WorkerState.RUNNING) {
            log.debug("route={} backend={} worker={}: connect failure while {}: {}", route, spec.name(), worker.id(),
                    worker.state(), cause.toString());
            return;
        }
        log.warn("route={} backend={} address={}: connect failed ({}); disabled for disable-time {}s "
                        + "(consecutive failures: {})", route, spec.name(), worker.address().describe(),
                cause.toString(), spec.disableTime().toSeconds(), failures);
        worker.moveTo(WorkerState.DISABLED, "connect failed: " + cause);
    }

    /** Takes every worker out of rotation for good (supervisor stop); idempotent. */
    public void stop() {
        for (Worker worker : workers) {
            WorkerState state = worker.state();
            if (state == WorkerState.DEAD) {
                continue;
            }
            if (state != WorkerState.STOPPING) {
                worker.moveTo(WorkerState.STOPPING, "supervisor stopping");
            }
            // An existing server has nothing to signal or reap; the stop ladder for spawned workers goes here.
            worker.moveTo(WorkerState.DEAD, "supervisor stopped");
        }
    }

    /** An immutable view of this backend for the registry: its RUNNING workers, newest first. */
    BackendSnapshot snapshot() {
        List<Worker> running = new ArrayList<>();
        for (Worker worker : workers) {
            if (worker.state() == WorkerState.RUNNING) {
                running.add(worker);
            }
        }
        LeaseOwner[] runningOwners = running.stream().map(owners::get).toArray(LeaseOwner[]::new);
        // Spawned pools may grow while fewer than max-procs workers exist; an existing server never can.
        boolean canGrow = spec.hasLaunch() && workers.size() < spec.limits().maxProcs();
        return new BackendSnapshot(spec, running.toArray(Worker[]::new), runningOwners,
                workers.toArray(Worker[]::new), canGrow, describeInactive());
    }

    /** Why no worker is in rotation, as "1 disabled, 1 dead"; only meaningful when none is RUNNING. */
    private String describeInactive() {
        int[] counts = new int[WorkerState.values().length];
        for (Worker worker : workers) {
            counts[worker.state().ordinal()]++;
        }
        StringBuilder detail = new StringBuilder();
        for (WorkerState state : WorkerState.values()) {
            if (counts[state.ordinal()] > 0) {
                detail.append(detail.length() == 0 ? "" : ", ")
                        .append(counts[state.ordinal()]).append(' ').append(state.name().toLowerCase());
            }
        }
        return detail.length() == 0 ? "no worker" : detail.toString();
    }

    private void add(Worker worker) {
        workers.add(0, worker);
        owners.put(worker, new LeaseOwner(this, worker, supervisorThread, clock));
    }

    public String route() {
        return route;
    }

    public BackendSpec spec() {
        return spec;
    }

    /** The workers, newest first. Supervisor thread only. */
    public List<Worker> workers() {
        return Collections.unmodifiableList(workers);
    }
}
