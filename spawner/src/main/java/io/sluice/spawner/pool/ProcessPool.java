package io.sluice.spawner.pool;

import io.sluice.spawner.process.ExitStatus;
import io.sluice.spawner.process.ListenSocket;
import io.sluice.spawner.process.ProcessLauncher;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.BackendSpec;
import io.sluice.spawner.spec.PoolLimits;
import io.sluice.spawner.spec.StopLadder;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers of one backend of one route and the rules that change them, driven by {@link #tick(Instant)}
 * (lighttpd's {@code gw_handle_trigger_host}). A backend without {@code bin-path} is a pool of exactly one worker that
 * is never spawned; a spawned backend has {@code max-procs} worker slots with ids 0..max-procs-1, reused across runs.
 * Confined to the supervisor thread, except {@link #snapshot()} results, which are immutable.
 */
public final class ProcessPool implements BackendPool {

    private static final Logger log = LoggerFactory.getLogger(ProcessPool.class);
    /** Refused connects in a row after which a worker is restarted rather than only disabled (lighttpd B14). */
    static final int REFUSALS_BEFORE_RESTART = 3;

    private final String route;
    private final BackendSpec spec;
    private final InstantSource clock;
    private final Executor supervisorThread;
    private final WorkerListener listener;
    private final WorkerRunner runner;
    private final WorkerSlots workers = new WorkerSlots();
    private final Map<Worker, LeaseOwner> owners = new IdentityHashMap<>();
    private final FailedStarts failedStarts;
    private final AcceptQueues acceptQueues;
    private boolean stopped;
    /** Replaced by a reload ({@link #withdraw()}): no rule runs and no worker starts again. */
    private boolean withdrawn;

    /**
     * A pool for an existing server (no {@code bin-path}).
     *
     * @param supervisorThread where lease reports are posted; must run tasks one at a time, on the thread that owns
     *                         this pool
     * @param listener         told of every worker state change (the supervisor republishes the route's snapshot)
     */
    public ProcessPool(String route, BackendSpec spec, InstantSource clock, Executor supervisorThread,
                       WorkerListener listener) {
        this(route, spec, clock, supervisorThread, null, listener, null, RestartBackoff.withJitter());
    }

    /**
     * A pool that may spawn ({@code spec.launch()} set) or not.
     *
     * @param timer    runs the stop ladder's escalation steps; the supervisor's own scheduler
     * @param launcher starts worker processes; called on the supervisor thread only
     */
    public ProcessPool(String route, BackendSpec spec, InstantSource clock, Executor supervisorThread,
                       ScheduledExecutorService timer, WorkerListener listener, ProcessLauncher launcher,
                       RestartBackoff backoff) {
        this.route = Objects.requireNonNull(route, "route");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.supervisorThread = Objects.requireNonNull(supervisorThread, "supervisorThread");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.failedStarts = new FailedStarts(Objects.requireNonNull(backoff, "backoff"));
        this.acceptQueues = new AcceptQueues(route, spec.name(), spec.limits().acceptTimeout());
        if (spec.hasLaunch()) {
            Objects.requireNonNull(timer, "timer");
            if (launcher == null) {
                throw new IllegalArgumentException(("backend '%s' of route '%s' has bin-path, but this supervisor "
                        + "cannot spawn: it was created without a runtime directory").formatted(spec.name(), route));
            }
            this.runner = new WorkerRunner(route, spec, clock, supervisorThread, timer, launcher, backoff,
                    StopLadder.of(spec.launch()), failedStarts, this::reaped);
        } else {
            this.runner = null;
        }
    }

    /**
     * Creates the first workers: for an existing server its one worker, RUNNING at once; for a spawned backend its
     * slots, starting {@code min-procs} of them.
     *
     * @throws WorkerStartException when a worker cannot listen or be spawned; the caller stops the pool
     */
    @Override
    public void start() {
        if (!workers.isEmpty()) {
            throw new IllegalStateException("backend '%s' of route '%s' already started".formatted(spec.name(), route));
        }
        if (!spec.hasLaunch()) {
            add(new Worker(spec.name(), 0, spec.address(), spec.disableTime(), clock, WorkerState.RUNNING, listener));
            return;
        }
        if (spec.address() instanceof BackendAddress.UnixPath unix) {
            // What a SIGKILLed Sluice left (its leftovers are killed by now), slots above today's max-procs included.
            ListenSocket.removeStaleSiblings(unix.path(), "-\\d+");
        }
        for (int id = 0; id < spec.limits().maxProcs(); id++) {
            Worker slot = new Worker(spec.name(), id, spec.address().forWorker(id), spec.disableTime(), clock,
                    WorkerState.DEAD, listener);
            slot.setIncarnation(new Incarnation());
            add(slot);
        }
        for (int id = 0; id < spec.limits().minProcs(); id++) {
            launch(workers.get(id), "min-procs " + spec.limits().minProcs());
        }
    }

    /**
     * One step of the pool rules at {@code now}, in lighttpd's order ({@code gw_restart_dead_procs}, then adaptive
     * spawning, then the idle kill). Demand nudges from acquire call this same method.
     */
    @Override
    public void tick(Instant now) {
        if (stopped || withdrawn) {
            return;
        }
        for (Worker worker : workers.byId()) {
            // disable-time: a worker disabled after a connect failure returns on the first tick past its deadline.
            if (worker.state() == WorkerState.DISABLED && now.isAfter(worker.disabledUntil())) {
                worker.moveTo(WorkerState.RUNNING,
                        "re-enabled after disable-time " + spec.disableTime().toSeconds() + "s");
            }
        }
        if (runner == null) {
            return;
        }
        checkRunningWorkers(now);
        startWorkers(now);
        stopAnIdleWorker(now);
    }

    /** The rules about workers that run: are they hung, has one shown that the program runs. */
    private void checkRunningWorkers(Instant now) {
        // accept-timeout: a worker whose accept queue did not drain that long is hung; it is restarted through the
        // ladder and its exit counts as a failure, so the sessions queued on it end with 1011.
        for (AcceptQueues.Hung hung : acceptQueues.sample(workers.byId(), now)) {
            log.warn("route={} backend={} worker {}: {}; restarting it", route, spec.name(), hung.worker().name(),
                    hung.why());
            runner.stopFailed(hung.worker(), hung.why());
        }
        // Failed starts (FailedStarts): a worker that stayed up for the probation has shown the program runs, so
        // the rules below may start more than one worker again.
        Worker proven = workers.upFor(FailedStarts.PROBATION, now);
        if (proven != null && failedStarts.latest() != null) {
            log.info("route={} backend={}: worker {} has run {}; starting further workers again", route, spec.name(),
                    proven.name(), WorkerRunner.human(FailedStarts.PROBATION));
            failedStarts.clear();
        }
    }

    /** The rules that start workers; each start passes mayStart (after failed starts: one at a time, backoff). */
    private void startWorkers(Instant now) {
        PoolLimits limits = spec.limits();
        for (Worker worker : workers.byId()) {
            // Crash restart with backoff (1 s doubling to 60 s, jitter): a crashed worker restarts once its backoff
            // passed and, as lighttpd's DIED rule, only when its load is 0, so a crash loop cannot spin.
            if (worker.restartAt() != null && WorkerSlots.spawnable(worker, now) && mayStart(now)) {
                tryLaunch(worker, "restart after crash");
            }
        }
        // min-procs: at least this many workers run; a worker we stopped is started again only for this.
        Worker next;
        while (workers.liveCount() < limits.minProcs() && mayStart(now)
                && (next = workers.firstSpawnable(now)) != null) {
            if (!tryLaunch(next, "min-procs " + limits.minProcs())) {
                break; // the next slot would fail alike; its backoff retries it
            }
        }
        // max-procs, max-load-per-proc: one more worker per tick when every running worker is above
        // max-load-per-proc, or when connections wait for the worker the registry offered (min-procs 0). Only DEAD
        // slots are started, and there are max-procs of them, so max-procs is never exceeded.
        Worker demanded = workers.demanded(now);
        if (demanded != null && mayStart(now)) {
            tryLaunch(demanded, "a connection is waiting for it");
        } else if (workers.everyRunningWorkerAbove(limits.maxLoadPerProc()) && mayStart(now)
                && (next = workers.firstSpawnable(now)) != null) {
            tryLaunch(next, "every running worker is above max-load-per-proc " + limits.maxLoadPerProc());
        }
    }

    private void stopAnIdleWorker(Instant now) {
        // idle-timeout: while more than min-procs run, stop the newest idle worker through the ladder; one per tick.
        // The claim makes "no load" and "no more leases" one atomic step against acquire on the event loops; a
        // worker leased meanwhile stays.
        Duration idleTimeout = spec.limits().idleTimeout();
        Worker idle = workers.newestIdle(now.minus(idleTimeout));
        if (workers.liveCount() > spec.limits().minProcs() && idle != null && idle.claimForIdleStop()) {
            runner.stop(idle, "idle for idle-timeout " + idleTimeout.toSeconds() + "s", false);
        }
    }

    /**
     * A tunnel could not connect to {@code worker}: take it out of rotation for {@code disable-time}; after
     * {@value #REFUSALS_BEFORE_RESTART} refusals in a row, restart a spawned worker through the stop ladder. Reports
     * about a worker that is no longer in rotation (a second failure of an older lease) change nothing else.
     */
    void connectFailed(Worker worker, Throwable cause) {
        int failures = worker.countConnectFailure();
        WorkerState state = worker.state();
        if (runner != null && !stopped && !withdrawn && failures >= REFUSALS_BEFORE_RESTART
                && (state == WorkerState.RUNNING || state == WorkerState.DISABLED)) {
            log.warn("route={} backend={} worker {}: refused {} connections in a row (last: {}); restarting it",
                    route, spec.name(), worker.name(), failures, cause.toString());
            runner.stop(worker, "refused %d connections in a row".formatted(failures), true);
            return;
        }
        if (state != WorkerState.RUNNING) {
            log.debug("route={} backend={} worker={}: connect failure while {}: {}", route, spec.name(), worker.id(),
                    state, cause.toString());
            return;
        }
        log.warn("route={} backend={} address={}: connect failed ({}); disabled for disable-time {}s "
                        + "(consecutive failures: {})", route, spec.name(), worker.address().describe(),
                cause.toString(), spec.disableTime().toSeconds(), failures);
        worker.moveTo(WorkerState.DISABLED, "connect failed: " + cause);
    }

    /**
     * Takes every worker out of rotation for good and runs the stop ladder on every process (supervisor stop);
     * idempotent. Connections still waiting for an on-demand start fail.
     *
     * @return completes once every process was reaped and every socket file removed
     */
    @Override
    public CompletableFuture<Void> stop() {
        stopped = true;
        if (runner == null) {
            for (Worker worker : workers.byId()) {
                if (worker.state() != WorkerState.DEAD) {
                    if (worker.state() != WorkerState.STOPPING) {
                        worker.moveTo(WorkerState.STOPPING, "supervisor stopping");
                    }
                    // An existing server has nothing to signal or reap.
                    worker.moveTo(WorkerState.DEAD, "supervisor stopped");
                }
            }
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Void>> gone = new ArrayList<>();
        for (Worker worker : workers.byId()) {
            Incarnation run = worker.incarnation();
            switch (worker.state()) {
                case DEAD -> run.failBeforeSpawn(new IllegalStateException(
                        "backend '%s' of route '%s' is stopping".formatted(spec.name(), route)));
                case STOPPING -> {
                    run.restartWhenReaped = false; // a restart after refusals is off: everything stops
                    gone.add(run.gone);
                }
                case STARTING, RUNNING, DISABLED -> {
                    runner.stop(worker, withdrawn ? "replaced by a reload" : "supervisor stopping", false);
                    gone.add(run.gone);
                }
            }
        }
        return CompletableFuture.allOf(gone.toArray(CompletableFuture[]::new));
    }

    @Override
    public void withdraw() {
        if (withdrawn || stopped) {
            return;
        }
        withdrawn = true;
        if (runner == null) {
            return; // an existing server: nothing of ours listens
        }
        IllegalStateException replaced = new IllegalStateException(
                "backend '%s' of route '%s' was replaced by a reload".formatted(spec.name(), route));
        for (Worker worker : workers.byId()) {
            Incarnation run = worker.incarnation();
            if (worker.state() == WorkerState.DEAD) {
                run.failBeforeSpawn(replaced);
                continue;
            }
            // A restart after refusals would listen on a path the replacing backend now uses.
            run.restartWhenReaped = false;
            if (run.socket != null) {
                run.socket.close(); // the worker keeps its listening socket (fd 0); only the file goes
            }
        }
    }

    @Override
    public boolean idle() {
        for (Worker worker : workers.byId()) {
            if (worker.load() > 0) {
                return false;
            }
        }
        return true;
    }

    /** The longest a {@link #stop()} may take: the ladder's graces; zero for an existing server. */
    @Override
    public Duration stopBound() {
        if (!spec.hasLaunch()) {
            return Duration.ZERO;
        }
        return StopLadder.of(spec.launch()).steps().stream().map(StopLadder.Step::grace)
                .reduce(Duration.ZERO, Duration::plus);
    }

    /** An immutable view of this backend for the registry: its RUNNING workers, newest first. */
    BackendSnapshot snapshot() {
        List<Worker> running = new ArrayList<>();
        for (Worker worker : workers.newestFirst()) {
            if (worker.state() == WorkerState.RUNNING) {
                running.add(worker);
            }
        }
        LeaseOwner[] runningOwners = running.stream().map(owners::get).toArray(LeaseOwner[]::new);
        Incarnation[] runs = running.stream().map(Worker::incarnation).toArray(Incarnation[]::new);
        // A connection may wait for a start only at a spawned backend; with connect-timeout 0 (no bound) it waits
        // at most for the longest backoff.
        boolean spawns = runner != null && !stopped && !withdrawn;
        Instant now = clock.instant();
        Worker pending = spawns && running.isEmpty() ? pendingWorker(now) : null;
        // Spawned pools may grow while a slot is free; an existing server never can.
        boolean canGrow = spawns && workers.liveCount() < spec.limits().maxProcs();
        return new BackendSnapshot(spec, running.toArray(Worker[]::new), runningOwners, runs,
                workers.byId().toArray(Worker[]::new), canGrow, pending, pending == null ? null : owners.get(pending),
                pending == null ? null : pending.incarnation(), clock, BackendSnapshot.inactiveDetail(
                        spawns ? failedStarts.latest() : null, workers.describeInactive(),
                        spawns ? workers.nextRestart() : null));
    }

    /**
     * The worker a connection waits for while none runs: one being spawned right now (this snapshot is published at
     * its STARTING edge, and a burst of connections must not see a gap there), else a stopped one that may start
     * now. Never one whose restart is backing off: the connection gets a 503 with the reason at once instead.
     */
    private Worker pendingWorker(Instant now) {
        Worker starting = workers.starting();
        if (starting != null) {
            return starting;
        }
        return mayStart(now) ? workers.offer(now) : null;
    }

    /** Whether a rule may start a worker now (see {@link FailedStarts}). */
    private boolean mayStart(Instant now) {
        return failedStarts.allowStart(now, workers.liveCount());
    }

    /** Starts {@code worker} for a rule; a failure is logged and becomes a backoff, as a crash does. */
    private boolean tryLaunch(Worker worker, String why) {
        try {
            launch(worker, why);
            return true;
        } catch (WorkerStartException e) {
            // WorkerRunner logged it and scheduled the retry.
            log.debug("route={} backend={}: {}", route, spec.name(), e.getMessage());
            return false;
        }
    }

    private void launch(Worker worker, String why) {
        workers.makeNewest(worker);
        runner.launch(worker, why);
    }

    /** Called by the runner once a worker's process was reaped and the worker is DEAD. */
    private void reaped(Worker worker) {
        if (stopped || withdrawn) {
            worker.incarnation().failBeforeSpawn(new IllegalStateException(
                    "backend '%s' of route '%s' is stopping".formatted(spec.name(), route)));
        }
    }

    private void add(Worker worker) {
        workers.add(worker);
        owners.put(worker, new LeaseOwner(this::connectFailed, worker, supervisorThread, clock));
    }

    @Override
    public String route() {
        return route;
    }

    @Override
    public BackendSpec spec() {
        return spec;
    }

    /** The workers, newest first. Supervisor thread only. */
    public List<Worker> workers() {
        return workers.newestFirst();
    }

    /** The worker with {@code id}. Supervisor thread only. */
    public Worker worker(int id) {
        return workers.get(id);
    }

    /**
     * Whether {@code status} is how a process ends when asked to stop with {@code killSignal}: exit 0, death by that
     * signal, or exit code 128 + signal (shells and the JVM report a handled TERM as 143). lighttpd likewise stays
     * quiet about kill-signal deaths.
     */
    static boolean expectedStopExit(ExitStatus status, int killSignal) {
        return status.isSuccess()
                || status instanceof ExitStatus.Killed killed && killed.signal() == killSignal
                || status instanceof ExitStatus.Exited exited && exited.code() == 128 + killSignal;
    }
}
