package io.sluice.spawner;

import io.sluice.spawner.pool.BackendPool;
import io.sluice.spawner.pool.KeyedPool;
import io.sluice.spawner.pool.ProcessPool;
import io.sluice.spawner.pool.ProgramPool;
import io.sluice.spawner.pool.RestartBackoff;
import io.sluice.spawner.pool.RouteSnapshot;
import io.sluice.spawner.pool.SnapshotRegistry;
import io.sluice.spawner.pool.StatusRecorder;
import io.sluice.spawner.pool.WorkerListener;
import io.sluice.spawner.process.Credentials;
import io.sluice.spawner.process.ExecWrappers;
import io.sluice.spawner.process.ExitWatcher;
import io.sluice.spawner.process.PosixSpawnLauncher;
import io.sluice.spawner.process.PosixStdioLauncher;
import io.sluice.spawner.process.ProcessGroupLedger;
import io.sluice.spawner.process.ProcessLauncher;
import io.sluice.spawner.process.RuntimeDir;
import io.sluice.spawner.process.RuntimeDirLock;
import io.sluice.spawner.process.StdioLauncher;
import io.sluice.spawner.registry.Registry;
import io.sluice.spawner.spec.BackendGroup;
import io.sluice.spawner.spec.BackendSpec;
import io.sluice.spawner.status.PerKeyStatus;
import io.sluice.spawner.status.SpawnerStatus;
import io.sluice.spawner.status.StatusSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns every route's backends and the single control thread ("sluice-supervisor") that changes them, and publishes
 * what the tunnel may use through {@link #registry()}. {@link #start()} and {@link #stop()} may be called from any
 * thread but the supervisor thread; every pool and worker mutation runs on the supervisor thread, and so does every
 * spawn of a worker (a child's PDEATHSIG and the spawn recipe want one long-lived spawning thread); per-connection
 * programs, spawned at session rates, have a few long-lived spawn threads of their own.
 *
 * <p>Over 500 lines: start, reload, stop and the tick are the only writers of the route-to-pools map, which this class
 * and its thread own alone; what could move out did ({@link PoolMatch}, {@link DrainingBackends}).
 */
public final class Supervisor {

    static final String THREAD_NAME = "sluice-supervisor";
    private static final String SPAWN_THREAD_NAME = "sluice-spawn-";
    /** Spawns of per-connection programs at once: a spawn mostly waits for the kernel, so more than the cores. */
    private static final int SPAWN_THREADS = Integer.getInteger("sluice.spawnThreads",
            Math.max(2, 2 * Runtime.getRuntime().availableProcessors()));
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
    private static final Duration TICK = Duration.ofSeconds(1);
    private static final Duration TASK_BOUND = Duration.ofSeconds(30);
    /**
     * Added to a reload's drain time before a withdrawn backend is stopped whatever its sessions: the tunnel sends
     * CLOSE 1001 at the drain time and gives each closing session its linger (2 s) to finish.
     */
    private static final Duration DRAIN_MARGIN = Duration.ofSeconds(3);
    /** Added to the longest stop ladder: the exit's hop to this thread and the socket unlinks. */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(2);
    /**
     * The longest a per-connection program's start or end waits to be written to the ledger; all of them in that
     * time share one rewrite (at thousands of sessions a second, one rewrite each was most of this thread's time).
     */
    private static final Duration LEDGER_WRITE_DELAY = Duration.ofMillis(100);
    /** The process-group ledger's file name inside the runtime directory. */
    public static final String LEDGER_FILE = "sluice.pids";

    /** The routes now configured; replaced on the supervisor thread by a reload. */
    private volatile List<BackendGroup> groups;
    private final InstantSource clock;
    /** The registry generation the tunnel is given; a reload makes the next one (see {@link #reload}). */
    private volatile SnapshotRegistry registry;
    /** What runs, for operators; recorded wherever a registry snapshot is published. */
    private final StatusRecorder status;
    private final StatusSource statusSource = new StatusSource() {
        @Override
        public SpawnerStatus current() {
            return status.current();
        }

        @Override
        public List<PerKeyStatus> perKey() {
            return perKeyStatus();
        }
    };
    /** Where the ledger lives; null for a supervisor of existing servers only, which cannot spawn. */
    private final Path runtimeDir;
    // Created on the supervisor thread during start, closed by stop after every child was reaped.
    private ExitWatcher watcher;
    private ProcessLauncher launcher;
    private StdioLauncher programLauncher;
    /** Where per-connection programs are spawned; created with the first per-connection backend, else null. */
    private ExecutorService spawnThreads;
    private ExecWrappers wrappers;
    private RuntimeDirLock runtimeDirLock;
    private final AtomicBoolean tickRequested = new AtomicBoolean();
    /** Route to its pools in config order; filled on the supervisor thread during start, then only read there. */
    private final Map<String, List<BackendPool>> pools = new LinkedHashMap<>();
    /** Backends a reload withdrew, until they are reaped; supervisor thread only. */
    private final DrainingBackends draining = new DrainingBackends();
    /** The per-key backends, for their status; set once start has created them. */
    private volatile List<KeyedPool> keyedPools = List.of();
    // Written under this lock; the executor and thread exist from STARTING until stop() returns. Both are volatile
    // because acquire's nudge and the own-thread checks read them without the lock.
    private SupervisorState state = SupervisorState.NEW;
    private volatile ScheduledExecutorService executor;
    private volatile Thread thread;

    /** A supervisor of existing servers only: no runtime directory, no launcher; a bin-path backend fails start. */
    public Supervisor(List<BackendGroup> groups, InstantSource clock) {
        this.groups = List.copyOf(groups);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.registry = new SnapshotRegistry(this.groups, this::requestTick);
        this.status = new StatusRecorder(clock);
        this.runtimeDir = null;
    }

    /**
     * A supervisor that spawns bin-path backends. {@code runtimeDir} ({@code server.runtime-dir}) holds the ledger of
     * process groups ({@value #LEDGER_FILE}); start creates it with mode 0700 if missing, refuses it if anyone else
     * could write it ({@link RuntimeDir}), and kills what a SIGKILLed earlier Sluice left before spawning anything.
     */
    public Supervisor(List<BackendGroup> groups, InstantSource clock, Path runtimeDir) {
        this.groups = List.copyOf(groups);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.registry = new SnapshotRegistry(this.groups, this::requestTick);
        this.status = new StatusRecorder(clock);
        this.runtimeDir = Objects.requireNonNull(runtimeDir, "runtimeDir").toAbsolutePath();
    }

    /**
     * The face the tunnel acquires leases from; usable at once, unavailable until started and after stop. After a
     * {@link #reload} this is the generation it returned.
     */
    public Registry registry() {
        return registry;
    }

    /** The live keys of every per-key backend, as of its latest tick (once a second); any thread. */
    public List<PerKeyStatus> perKeyStatus() {
        return keyedPools.stream().map(KeyedPool::status).toList();
    }

    /** What runs (workers, pids, exits, per-key keys), for status and metrics; usable at once, empty until started. */
    public StatusSource status() {
        return statusSource;
    }

    public synchronized SupervisorState state() {
        return state;
    }

    /**
     * Kills leftovers of an earlier run (runtime dir), creates every backend's workers (listening sockets, min-procs
     * spawns), publishes the first snapshots, and starts ticking once a second. On failure it stops what it started
     * (every child reaped, every socket file removed) and rethrows the cause.
     *
     * @throws IllegalStateException when not NEW
     * @throws io.sluice.spawner.pool.WorkerStartException when a worker cannot listen or be spawned; the message
     *         names route, backend, worker, path or binary and errno with a hint
     * @throws UncheckedIOException when the runtime directory or its ledger cannot be used
     */
    public synchronized void start() {
        if (state != SupervisorState.NEW) {
            throw new IllegalStateException("supervisor must be NEW to start; currently " + state);
        }
        enter(SupervisorState.STARTING);
        executor = Executors.newSingleThreadScheduledExecutor(this::newThread);
        try {
            runOnSupervisorThread(this::createPools);
        } catch (RuntimeException e) {
            // Not logged here: the caller gets the cause and decides (log once, at the layer that decides).
            shutDown();
            throw e;
        }
        executor.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        enter(SupervisorState.RUNNING);
    }

    /**
     * Takes every backend out of rotation, runs the stop ladder on every child at once, and returns once all are
     * reaped and their socket files removed (bounded by the longest ladder plus a margin), the supervisor thread is
     * gone and the exit watcher closed. Idempotent.
     */
    public synchronized void stop() {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("supervisor cannot be stopped from its own thread");
        }
        switch (state) {
            case NEW -> enter(SupervisorState.STOPPED);
            case RUNNING -> shutDown();
            case STARTING, STOPPING, STOPPED -> {
                // STARTING and STOPPING only exist inside start() and stop(), which hold the lock; STOPPED is done.
            }
        }
    }

    /**
     * Applies a reloaded configuration's routes without dropping anything that did not change (see
     * {@link PoolMatch}): kept routes and carried-over hosts keep their workers and sessions; the withdrawn backends
     * stop taking sessions at once, drain, and are stopped through their ladder once idle or {@code drainTime} (plus
     * a margin for the tunnel's closing handshakes) has passed; new hosts start ({@code min-procs}). Returns the
     * registry generation the tunnel must use from now on; until it switches, the previous one still answers for the
     * kept routes (withdrawn ones refuse). A new worker that cannot start is logged and retried by its pool's rules,
     * as after a crash; nothing is rolled back.
     *
     * @throws IllegalStateException when not RUNNING, or when a new host's confinement cannot be applied here (then
     *         nothing changed); the message names route, host and option
     */
    public synchronized Registry reload(List<BackendGroup> next, Duration drainTime) {
        if (state != SupervisorState.RUNNING) {
            throw new IllegalStateException("supervisor must be RUNNING to reload; currently " + state);
        }
        List<BackendGroup> copy = List.copyOf(next);
        Objects.requireNonNull(drainTime, "drainTime");
        return call(() -> applyReload(copy, drainTime));
    }

    private Registry applyReload(List<BackendGroup> next, Duration drainTime) {
        // Checks first, so that a refusal changes nothing.
        boolean spawns = next.stream().flatMap(g -> g.backends().stream()).anyMatch(BackendSpec::hasLaunch);
        if (runtimeDir != null && spawns && launcher == null) {
            prepareSpawning();
        }
        if (spawns && launcher == null) {
            throw new IllegalStateException("the reloaded configuration spawns workers, but this supervisor cannot: it "
                    + "was created without a runtime directory");
        }
        if (wrappers != null) {
            checkConfinements(next);
        }
        PoolMatch match = PoolMatch.of(groups, pools, next);
        SnapshotRegistry previous = registry;
        pools.keySet().stream().filter(route -> !match.keptRoutes().contains(route)).forEach(previous::withdraw);
        // Withdrawn before anything new starts: their socket files go, so new workers may listen on the same paths.
        Instant deadline = clock.instant().plus(drainTime).plus(DRAIN_MARGIN);
        for (BackendPool pool : match.withdrawn()) {
            pool.withdraw();
            draining.add(pool, deadline);
        }
        registry = previous.next(next, match.keptRoutes());
        groups = next;
        pools.clear();
        List<BackendPool> fresh = new ArrayList<>();
        match.routes().forEach((route, hosts) -> {
            WorkerListener republish = (worker, from, to, why) -> publish(route);
            List<BackendPool> routePools = new ArrayList<>();
            for (PoolMatch.Host host : hosts) {
                BackendPool pool = host.carried() != null ? host.carried() : newPool(route, host.spec(), republish);
                if (host.carried() == null) {
                    fresh.add(pool);
                }
                routePools.add(pool);
            }
            pools.put(route, routePools);
        });
        status.retain(pools);
        for (BackendPool pool : fresh) {
            try {
                pool.start();
            } catch (RuntimeException e) {
                // WorkerRunner logged it with its hint and set the backoff; the pool's rules retry it.
                log.debug("route={} backend={}: first start after reload failed: {}", pool.route(),
                        pool.spec().name(), e.getMessage());
            }
        }
        pools.keySet().forEach(this::publish);
        keyedPools = pools.values().stream().flatMap(List::stream).filter(KeyedPool.class::isInstance)
                .map(KeyedPool.class::cast).toList();
        return registry;
    }

    /** Runs one tick now on the supervisor thread and returns when it is done; for tests. */
    void tickNow() {
        synchronized (this) {
            if (state != SupervisorState.RUNNING) {
                throw new IllegalStateException("supervisor must be RUNNING to tick; currently " + state);
            }
        }
        runOnSupervisorThread(this::tick);
    }

    /** STARTING or RUNNING -> STOPPING -> STOPPED: stops every pool on its thread, then the thread. */
    private void shutDown() {
        enter(SupervisorState.STOPPING);
        try {
            // Started on the supervisor thread, awaited here: the exits that complete it are handled on that thread.
            CompletableFuture<Void> reaped = call(this::stopPools);
            Duration bound = stopBound();
            try {
                reaped.get(bound.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                log.error("supervisor: some workers were not reaped within {}; giving up on them", bound);
            } catch (ExecutionException e) {
                log.error("supervisor: stopping the workers failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } catch (RuntimeException e) {
            log.error("supervisor: stopping the backends failed", e);
        }
        if (spawnThreads != null) {
            // Every pool has stopped: what a spawn thread still holds sees it and gives its place back at once.
            spawnThreads.shutdown();
            awaitTermination(spawnThreads, "spawn threads");
            spawnThreads = null;
        }
        executor.shutdownNow();
        awaitThreadGone();
        executor = null;
        thread = null;
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
        if (runtimeDirLock != null) {
            try {
                runtimeDirLock.close();
            } catch (IOException e) {
                log.warn("runtime-dir {}: cannot release its lock: {}", runtimeDir, e.getMessage());
            }
            runtimeDirLock = null;
        }
        enter(SupervisorState.STOPPED);
    }

    private CompletableFuture<Void> stopPools() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        forEachPool(pool -> all.add(pool.stop()));
        all.addAll(draining.stopAll());
        pools.keySet().forEach(this::publish);
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    private Duration stopBound() {
        Duration longest = Duration.ZERO;
        for (List<BackendPool> routePools : pools.values()) {
            for (BackendPool pool : routePools) {
                longest = pool.stopBound().compareTo(longest) > 0 ? pool.stopBound() : longest;
            }
        }
        Duration drainingBound = draining.longestStop();
        longest = drainingBound.compareTo(longest) > 0 ? drainingBound : longest;
        return longest.plus(STOP_MARGIN);
    }

    private void createPools() {
        // Existing servers need no runtime dir: only a config that spawns takes it (and its lock and ledger).
        boolean spawns = groups.stream().flatMap(g -> g.backends().stream()).anyMatch(BackendSpec::hasLaunch);
        if (runtimeDir != null && spawns) {
            prepareSpawning();
        }
        List<KeyedPool> keyed = new ArrayList<>();
        for (BackendGroup group : groups) {
            String route = group.route();
            WorkerListener republish = (worker, from, to, why) -> publish(route);
            List<BackendPool> routePools = new ArrayList<>();
            // In the map before any start, so that a failed start stops what the route already started.
            pools.put(route, routePools);
            for (BackendSpec spec : group.backends()) {
                BackendPool pool = newPool(route, spec, republish);
                if (pool instanceof KeyedPool perKey) {
                    keyed.add(perKey);
                }
                routePools.add(pool);
                pool.start();
            }
            publish(route);
        }
        keyedPools = List.copyOf(keyed);
    }

    private BackendPool newPool(String route, BackendSpec spec, WorkerListener republish) {
        if (spec.isPerKey() && wrappers != null) {
            return new KeyedPool(route, spec, clock, executor, executor, republish, launcher,
                    RestartBackoff.withJitter(), wrappers.credentials(spec.launch().confinement()));
        } else if (spec.isPerConnection() && programLauncher != null) {
            return new ProgramPool(route, spec, clock, executor, spawnThreads(), executor, programLauncher);
        } else if (spec.isPerKey() || spec.isPerConnection()) {
            throw new IllegalArgumentException(("backend '%s' of route '%s' is %s, but this supervisor "
                    + "cannot spawn: it was created without a runtime directory")
                    .formatted(spec.name(), route, spec.isPerKey() ? "per-key" : "per-connection"));
        }
        return new ProcessPool(route, spec, clock, executor, executor, republish, launcher,
                RestartBackoff.withJitter());
    }

    /**
     * The threads that spawn per-connection programs: a spawn blocks its thread until the child has exec'd (glibc's
     * posix_spawn is a vfork), a few hundred microseconds, so one thread would cap sessions per second; they live as
     * long as the supervisor, as a death signal follows the spawning thread (reference/native-spawning.md section 7).
     */
    private Executor spawnThreads() {
        if (spawnThreads == null) {
            AtomicInteger ids = new AtomicInteger();
            spawnThreads = Executors.newFixedThreadPool(SPAWN_THREADS, runnable -> {
                Thread spawner = new Thread(runnable, SPAWN_THREAD_NAME + ids.getAndIncrement());
                spawner.setDaemon(true);
                return spawner;
            });
        }
        return spawnThreads;
    }

    /**
     * The runtime dir checked (or created 0700) and locked for this Sluice alone, the ledger with leftovers of a
     * SIGKILLed Sluice killed, the reaper and the launcher. The check comes before anything in the folder is touched,
     * and the lock before the ledger: only a dead owner's ledger lists leftovers.
     */
    private void prepareSpawning() {
        try {
            RuntimeDir.prepare(runtimeDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        ProcessGroupLedger ledger = new ProcessGroupLedger(runtimeDir.resolve(LEDGER_FILE));
        ledger.deferWritesOn(executor, LEDGER_WRITE_DELAY);
        try {
            runtimeDirLock = RuntimeDirLock.acquire(runtimeDir);
            int killed = ledger.cleanupLeftovers();
            if (killed > 0) {
                log.warn("killed what {} worker(s) of an earlier Sluice left running (ledger {})", killed, ledger);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("runtime-dir %s: cannot prepare it or its ledger: %s"
                    .formatted(runtimeDir, e.getMessage()), e);
        }
        try {
            wrappers = ExecWrappers.detect();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read Sluice's own resource limits: " + e.getMessage(), e);
        }
        checkConfinements(groups);
        try {
            watcher = ExitWatcher.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the child reaper: " + e.getMessage(), e);
        }
        launcher = new PosixSpawnLauncher(watcher, ledger, wrappers);
        programLauncher = new PosixStdioLauncher(watcher, ledger, wrappers);
    }

    /**
     * Every spawned host's user, group and rlimits can be applied here, or the start stops with the first that
     * cannot, naming route, host and option: a limit is never skipped silently.
     */
    private void checkConfinements(List<BackendGroup> groups) {
        for (BackendGroup group : groups) {
            for (BackendSpec spec : group.backends()) {
                if (!spec.hasLaunch()) {
                    continue;
                }
                try {
                    wrappers.check(spec.launch(), spec.isPerKey());
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException("route '%s' backend '%s': %s".formatted(group.route(),
                            spec.name(), e.getMessage()), e);
                }
            }
        }
    }

    /** The one periodic step: every pool's rules at the same instant. Never throws, or the schedule would stop. */
    private void tick() {
        tickRequested.set(false);
        try {
            var now = clock.instant();
            forEachPool(pool -> pool.tick(now));
            draining.stopDrained(now);
            // Which stopped worker a waiting connection may be offered depends on loads and time, not only on state
            // changes: refresh every route once per tick.
            pools.keySet().forEach(this::publish);
        } catch (RuntimeException e) {
            log.error("supervisor tick failed", e);
        }
    }

    /** Called by acquire on event loops: at most one extra tick is queued however many ask. */
    private void requestTick() {
        ScheduledExecutorService current = executor;
        if (current != null && tickRequested.compareAndSet(false, true)) {
            try {
                current.execute(this::tick);
            } catch (RejectedExecutionException e) {
                tickRequested.set(false);
            }
        }
    }

    private void publish(String route) {
        List<BackendPool> routePools = pools.get(route);
        if (routePools == null) {
            return; // a worker of a backend whose route a reload removed
        }
        registry.publish(RouteSnapshot.of(route, routePools));
        status.record(route, routePools);
    }

    private void forEachPool(Consumer<BackendPool> action) {
        for (List<BackendPool> routePools : pools.values()) {
            routePools.forEach(action);
        }
    }

    /** The only writer of {@code state}: checks the edge and logs it. Holds the lock. */
    private void enter(SupervisorState next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("supervisor cannot move %s -> %s".formatted(state, next));
        }
        log.info("supervisor {} -> {}", state, next);
        state = next;
    }

    private void runOnSupervisorThread(Runnable task) {
        call(() -> {
            task.run();
            return null;
        });
    }

    private <T> T call(Supplier<T> task) {
        if (Thread.currentThread() == thread) {
            return task.get();
        }
        ScheduledExecutorService current = executor;
        if (current == null) {
            throw new IllegalStateException("supervisor thread is not running; state " + state());
        }
        try {
            return current.submit(task::get).get(TASK_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("supervisor thread is stopping", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("supervisor task failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("supervisor thread did not finish a task within " + TASK_BOUND, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the supervisor thread", e);
        }
    }

    private static void awaitTermination(ExecutorService threads, String what) {
        try {
            if (!threads.awaitTermination(TASK_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                log.error("supervisor: {} did not end within {}", what, TASK_BOUND);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitThreadGone() {
        try {
            if (!executor.awaitTermination(TASK_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                log.error("supervisor thread did not end within {}", TASK_BOUND);
            }
            if (thread != null) {
                thread.join(TASK_BOUND.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Thread newThread(Runnable runnable) {
        Thread created = new Thread(runnable, THREAD_NAME);
        // Daemon: a forgotten stop() must not keep the JVM alive; the shutdown path stops children explicitly.
        created.setDaemon(true);
        thread = created;
        return created;
    }
}
