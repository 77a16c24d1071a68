package io.sluice.spawner.pool;

import io.sluice.spawner.process.Credentials;
import io.sluice.spawner.process.KeyFolders;
import io.sluice.spawner.process.ListenSocket;
import io.sluice.spawner.process.ProcessLauncher;
import io.sluice.spawner.registry.ConnectTerms;
import io.sluice.spawner.registry.WorkerOutcome;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.BackendSpec;
import io.sluice.spawner.spec.LaunchSpec;
import io.sluice.spawner.spec.PerKeySpec;
import io.sluice.spawner.spec.StopLadder;
import io.sluice.spawner.status.LiveKey;
import io.sluice.spawner.status.PerKeyStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@code instances: per-key} backend: one worker per live key, each a pool of one that reuses the pool's
 * {@link Worker}, {@link Incarnation}, {@link WorkerRunner} (listen, spawn, stop ladder, exit) and
 * {@link FailedStarts}. Sessions find their key's worker through the {@link KeyTable} without the supervisor; a new
 * key's first session creates its run there and asks this thread to start it. Here, on the supervisor thread: the
 * starts (one key's start never waits for another's process, only for the spawn call before it), a key's new run held
 * back until its previous one is reaped, idle stop after {@code idle-timeout} from the end of the last session,
 * {@code max-age}, {@code accept-timeout}, refusals, and the status published once a tick. Logs name keys by hash
 * only. Confined to the supervisor thread, except {@link #table()} and {@link #status()}.
 */
public final class KeyedPool implements BackendPool {

    private static final Logger log = LoggerFactory.getLogger(KeyedPool.class);

    private final String route;
    private final BackendSpec spec;
    private final PerKeySpec perKey;
    private final InstantSource clock;
    private final Executor supervisorThread;
    private final WorkerListener listener;
    private final WorkerRunner runner;
    private final FailedStarts failedStarts;
    private final AcceptQueues acceptQueues;
    private final Credentials owner;
    private final KeyTable table;
    /** Run ids, for SLUICE_WORKER_ID; drawn on event loops. */
    private final AtomicInteger runIds = new AtomicInteger();
    /** Per key, the run that holds its process (starting, running or stopping, not yet reaped). */
    private final Map<String, KeyWorker> alive = new HashMap<>();
    private final Map<Worker, KeyWorker> byWorker = new IdentityHashMap<>();
    private boolean stopped;
    /** Replaced by a reload ({@link #withdraw()}): no key starts and no rule runs any more. */
    private boolean withdrawn;
    private volatile PerKeyStatus status;

    /**
     * @param owner who the workers run as, so that a key's folder made for it is theirs
     */
    public KeyedPool(String route, BackendSpec spec, InstantSource clock, Executor supervisorThread,
                     ScheduledExecutorService timer, WorkerListener listener, ProcessLauncher launcher,
                     RestartBackoff backoff, Credentials owner) {
        this.route = Objects.requireNonNull(route, "route");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.perKey = Objects.requireNonNull(spec.perKey(), "spec.perKey()");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.supervisorThread = Objects.requireNonNull(supervisorThread, "supervisorThread");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.failedStarts = new FailedStarts(backoff);
        this.acceptQueues = new AcceptQueues(route, spec.name(), spec.limits().acceptTimeout());
        this.runner = new WorkerRunner(route, spec, clock, supervisorThread, Objects.requireNonNull(timer, "timer"),
                Objects.requireNonNull(launcher, "launcher"), backoff, StopLadder.of(spec.launch()), failedStarts,
                this::reaped);
        ConnectTerms terms = new ConnectTerms(spec.connectTimeout(), perKey.startTimeout(), spec.proxyProtocol());
        this.table = new KeyTable(route, terms, spec.limits().maxProcs(), perKey.maxSessionsPerKey(), clock,
                newRun(), this::requestStart);
        this.status = new PerKeyStatus(route, spec.name(), spec.limits().maxProcs(), List.of());
    }

    /** Makes a key's new, unstarted run; called by acquire on event loops. */
    private Function<String, KeyWorker> newRun() {
        BackendAddress.UnixPath base = (BackendAddress.UnixPath) spec.address();
        return key -> {
            String hash = KeyHash.of(spec.name(), key);
            Worker worker = Worker.singleRun(spec.name(), runIds.getAndIncrement(), hash,
                    new BackendAddress.UnixPath(Path.of(base.path() + "-" + hash)), clock, listener);
            return new KeyWorker(key, hash, worker, new LeaseOwner(this::connectFailed, worker, supervisorThread,
                    clock));
        };
    }

    /** Where the tunnel's acquire finds keys; thread-safe. */
    KeyTable table() {
        return table;
    }

    /** The workers of the live keys, for the status recorder. Supervisor thread only. */
    List<Worker> workers() {
        List<Worker> workers = new ArrayList<>(alive.size());
        for (KeyWorker run : alive.values()) {
            workers.add(run.worker);
        }
        return workers;
    }

    /** The live keys as of the latest tick; any thread. */
    public PerKeyStatus status() {
        return status;
    }

    /**
     * A key's worker is started by its first session; the start only removes the per-key sockets a SIGKILLed Sluice
     * left (the supervisor killed its leftovers first): nothing else would remove those of keys never seen again.
     */
    @Override
    public void start() {
        ListenSocket.removeStaleSiblings(((BackendAddress.UnixPath) spec.address()).path(), "-[0-9a-f]{16}");
    }

    /** From any thread: the supervisor thread starts {@code run}. */
    private void requestStart(KeyWorker run) {
        try {
            supervisorThread.execute(() -> startRun(run));
        } catch (RejectedExecutionException e) {
            table.remove(run);
            run.run.failBeforeSpawn(new IllegalStateException("route '%s' is stopping".formatted(route)));
        }
    }

    private void startRun(KeyWorker run) {
        run.startHandled = true;
        if (stopped || withdrawn) {
            fail(run, new IllegalStateException("backend '%s' of route '%s' is stopping"
                    .formatted(spec.name(), route)));
            return;
        }
        KeyWorker older = alive.get(run.key);
        if (older != null && older != run) {
            // The key's previous run still has a process (being stopped, or crashed and not reaped yet; it was
            // closed to sessions, or this run would not exist): two processes of one key never run at once, so this
            // one starts when that one is reaped.
            KeyWorker last = older;
            while (last.successor != null) {
                last = last.successor;
            }
            last.successor = run;
            return;
        }
        alive.put(run.key, run);
        byWorker.put(run.worker, run);
        launch(run);
    }

    private void launch(KeyWorker run) {
        LaunchSpec launch = spec.launch();
        Path folder = null;
        try {
            folder = perKey.cwdFor(run.key);
            if (folder != null) {
                KeyFolders.prepare(folder, perKey.cwdCreate(), owner);
                launch = launch.inFolder(folder);
            }
        } catch (IOException | IllegalArgumentException e) {
            log.warn("route={} backend={} key {}: cannot start its worker: {}", route, spec.name(), run.hash,
                    e.getMessage());
            forget(run);
            run.run.failBeforeSpawn(new WorkerStartException("route '%s' backend '%s' key %s: %s"
                    .formatted(route, spec.name(), run.hash, e.getMessage()), e));
            return;
        }
        try {
            runner.launch(run.worker, "first session of key " + run.hash, launch, Map.of("SLUICE_KEY", run.key));
        } catch (WorkerStartException e) {
            // The runner logged it, failed the waiting sessions and counted a failed start.
            forget(run);
            publishRefusal();
        }
    }

    @Override
    public void tick(Instant now) {
        if (stopped || withdrawn) {
            return;
        }
        List<KeyWorker> runs = new ArrayList<>(alive.values());
        List<Worker> running = new ArrayList<>();
        for (KeyWorker run : runs) {
            running.add(run.worker);
        }
        // accept-timeout, as for a pool: a hung worker is stopped; its exit counts as a failure (sessions get 1011).
        for (AcceptQueues.Hung hung : acceptQueues.sample(running, now)) {
            KeyWorker run = byWorker.get(hung.worker());
            log.warn("route={} backend={} key {}: {}; stopping it", route, spec.name(), run.hash, hung.why());
            run.run.faultyBecause = "hung";
            stop(run, hung.why());
        }
        clearFailedStartsOnceAWorkerRan(runs, now);
        table.pruneRefusals(now);
        for (KeyWorker run : runs) {
            Worker worker = run.worker;
            if (worker.state() != WorkerState.RUNNING || worker.closed()) {
                continue;
            }
            Duration maxAge = perKey.maxAge();
            Duration idle = spec.limits().idleTimeout();
            if (!maxAge.isZero() && !now.isBefore(run.run.startedAt.plus(maxAge))) {
                // max-age: whatever it does; its sessions end as the worker ends them.
                stop(run, "max-age " + WorkerRunner.human(maxAge) + " reached");
            } else if (!worker.lastUsed().isAfter(now.minus(idle)) && worker.claimForIdleStop()) {
                // idle-timeout from the end of its last session; the claim makes "no session" and "no more
                // leases" one atomic step against acquire, so a session that came meanwhile keeps it.
                table.remove(run);
                runner.stop(worker, "idle for idle-timeout " + WorkerRunner.human(idle), false);
            }
        }
        publishStatus();
    }

    private void clearFailedStartsOnceAWorkerRan(List<KeyWorker> runs, Instant now) {
        FailedStarts.Failure latest = failedStarts.latest();
        if (latest == null) {
            return;
        }
        for (KeyWorker run : runs) {
            Instant started = run.run.startedAt;
            if (run.worker.state() == WorkerState.RUNNING && started != null && started.isAfter(latest.at())
                    && !now.isBefore(started.plus(FailedStarts.PROBATION))) {
                log.info("route={} backend={}: key {} has run {}; starting new keys again", route, spec.name(),
                        run.hash, WorkerRunner.human(FailedStarts.PROBATION));
                failedStarts.clear();
                publishRefusal();
                return;
            }
        }
    }

    /** A session could not connect to {@code worker}: a worker that is gone, or refuses repeatedly, is replaced. */
    private void connectFailed(Worker worker, Throwable cause) {
        KeyWorker run = byWorker.get(worker);
        if (run == null || stopped || withdrawn || worker.state() != WorkerState.RUNNING || worker.closed()) {
            return;
        }
        if (run.run.outcome().kind() != WorkerOutcome.Kind.RUNNING) {
            retire(run, "its process is ending");
            return;
        }
        int failures = worker.countConnectFailure();
        if (failures >= ProcessPool.REFUSALS_BEFORE_RESTART) {
            log.warn("route={} backend={} key {}: refused {} connections in a row (last: {}); stopping it", route,
                    spec.name(), run.hash, failures, cause.toString());
            stop(run, "refused %d connections in a row".formatted(failures));
        }
    }

    /** Closes a run to new sessions and takes it out of the table; its key's next session gets a new run. */
    private void retire(KeyWorker run, String why) {
        if (run.worker.retire()) {
            log.debug("route={} backend={} key {}: closed to new sessions: {}", route, spec.name(), run.hash, why);
        }
        table.remove(run);
    }

    /** Retires a running worker and stops it through the ladder. */
    private void stop(KeyWorker run, String why) {
        retire(run, why);
        WorkerState state = run.worker.state();
        if (state == WorkerState.RUNNING || state == WorkerState.DISABLED) {
            runner.stop(run.worker, why, false);
        }
    }

    /** The runner reaped {@code worker}'s process (it is DEAD): the key's waiting run, if any, may start now. */
    private void reaped(Worker worker) {
        KeyWorker run = byWorker.get(worker);
        if (run == null) {
            return;
        }
        worker.retire();
        forget(run);
        FailedStarts.Failure failure = failedStarts.latest();
        boolean atStart = run.run.startedAt != null
                && FailedStarts.atStart(Duration.between(run.run.startedAt, clock.instant()));
        if (failure != null && atStart && run.run.stopReason == null) {
            // It exited unasked within moments of its start. Other keys' workers run the same program and may well
            // be fine, and one key must not hold all others back: only this key waits for the next try.
            table.refuseKey(run.key, failure);
            failedStarts.clear();
            log.warn("route={} backend={} key {}: its worker exits at its start; its sessions get 503 until {}",
                    route, spec.name(), run.hash, failure.nextTry());
        }
        KeyWorker next = run.successor;
        run.successor = null;
        if (next != null) {
            startRun(next);
        }
    }

    /** Drops every reference to a run that has no process (any more). */
    private void forget(KeyWorker run) {
        table.remove(run);
        alive.remove(run.key, run);
        byWorker.remove(run.worker, run);
    }

    private void fail(KeyWorker run, RuntimeException cause) {
        forget(run);
        run.run.failBeforeSpawn(cause);
        for (KeyWorker next = run.successor; next != null; next = next.successor) {
            table.remove(next);
            next.run.failBeforeSpawn(cause);
        }
        run.successor = null;
    }

    /** New keys are refused while a failed start's backoff lasts (one program fails alike for every key). */
    private void publishRefusal() {
        table.publishRefusal(failedStarts.latest());
    }

    private void publishStatus() {
        List<LiveKey> keys = new ArrayList<>(alive.size());
        for (KeyWorker run : alive.values()) {
            keys.add(run.status());
        }
        status = new PerKeyStatus(route, spec.name(), spec.limits().maxProcs(), keys);
    }

    @Override
    public CompletableFuture<Void> stop() {
        stopped = true;
        table.close();
        List<CompletableFuture<Void>> gone = new ArrayList<>();
        IllegalStateException stopping = new IllegalStateException(
                "backend '%s' of route '%s' is stopping".formatted(spec.name(), route));
        for (KeyWorker run : new ArrayList<>(alive.values())) {
            for (KeyWorker next = run.successor; next != null; next = next.successor) {
                next.run.failBeforeSpawn(stopping);
            }
            run.successor = null;
            switch (run.worker.state()) {
                case DEAD -> fail(run, stopping);
                case STOPPING -> gone.add(run.run.gone);
                case STARTING, RUNNING, DISABLED -> {
                    gone.add(run.run.gone);
                    stop(run, withdrawn ? "replaced by a reload" : "supervisor stopping");
                }
            }
        }
        publishStatus();
        return CompletableFuture.allOf(gone.toArray(CompletableFuture[]::new));
    }

    @Override
    public void withdraw() {
        if (withdrawn || stopped) {
            return;
        }
        withdrawn = true;
        table.close();
        IllegalStateException replaced = new IllegalStateException(
                "backend '%s' of route '%s' was replaced by a reload".formatted(spec.name(), route));
        for (KeyWorker run : new ArrayList<>(alive.values())) {
            for (KeyWorker next = run.successor; next != null; next = next.successor) {
                next.run.failBeforeSpawn(replaced);
            }
            run.successor = null;
            if (run.worker.state() == WorkerState.DEAD) {
                fail(run, replaced);
            } else if (run.run.socket != null) {
                run.run.socket.close(); // the worker keeps its listening socket (fd 0); only the file goes
            }
        }
    }

    @Override
    public boolean idle() {
        for (KeyWorker run : alive.values()) {
            if (run.worker.load() > 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Duration stopBound() {
        return StopLadder.of(spec.launch()).steps().stream().map(StopLadder.Step::grace)
                .reduce(Duration.ZERO, Duration::plus);
    }

    @Override
    public String route() {
        return route;
    }

    @Override
    public BackendSpec spec() {
        return spec;
    }
}
