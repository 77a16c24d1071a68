package io.sluice.spawner;

import io.sluice.spawner.pool.ProcessPool;
import io.sluice.spawner.pool.RouteSnapshot;
import io.sluice.spawner.pool.SnapshotRegistry;
import io.sluice.spawner.pool.WorkerListener;
import io.sluice.spawner.registry.Registry;
import io.sluice.spawner.spec.BackendGroup;
import io.sluice.spawner.spec.BackendSpec;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns every route's backends and the single control thread ("sluice-supervisor") that changes them, and publishes
 * what the tunnel may use through {@link #registry()}. {@link #start()} and {@link #stop()} may be called from any
 * thread but the supervisor thread; every pool and worker mutation runs on the supervisor thread.
 */
public final class Supervisor {

    static final String THREAD_NAME = "sluice-supervisor";
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
    private static final Duration TICK = Duration.ofSeconds(1);
    private static final Duration TASK_BOUND = Duration.ofSeconds(30);

    private final List<BackendGroup> groups;
    private final InstantSource clock;
    private final SnapshotRegistry registry;
    private final AtomicBoolean tickRequested = new AtomicBoolean();
    /** Route to its pools in config order; filled on the supervisor thread during start, then only read there. */
    private final Map<String, List<ProcessPool>> pools = new LinkedHashMap<>();
    // Written under this lock; the executor and thread exist from STARTING until stop() returns. Both are volatile
    // because acquire's nudge and the own-thread checks read them without the lock.
    private SupervisorState state = SupervisorState.NEW;
    private volatile ScheduledExecutorService executor;
    private volatile Thread thread;

    public Supervisor(List<BackendGroup> groups, InstantSource clock) {
        this.groups = List.copyOf(groups);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.registry = new SnapshotRegistry(this.groups, this::requestTick);
    }

    /** The face the tunnel acquires leases from; usable at once, unavailable until started and after stop. */
    public Registry registry() {
        return registry;
    }

    public synchronized SupervisorState state() {
        return state;
    }

    /**
     * Creates every backend's workers, publishes the first snapshots, and starts ticking once a second. On failure it
     * stops what it started and rethrows the cause.
     *
     * @throws IllegalStateException when not NEW
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

    /** Takes every backend out of rotation, stops the supervisor thread and returns once it is gone. Idempotent. */
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
            runOnSupervisorThread(() -> forEachPool(ProcessPool::stop));
        } catch (RuntimeException e) {
            log.error("supervisor: stopping the backends failed", e);
        }
        executor.shutdownNow();
        awaitThreadGone();
        executor = null;
        thread = null;
        enter(SupervisorState.STOPPED);
    }

    private void createPools() {
        for (BackendGroup group : groups) {
            String route = group.route();
            WorkerListener republish = (worker, from, to, why) -> publish(route);
            List<ProcessPool> routePools = new ArrayList<>();
            for (BackendSpec spec : group.backends()) {
                ProcessPool pool = new ProcessPool(route, spec, clock, executor, republish);
                routePools.add(pool);
                pool.start();
            }
            pools.put(route, List.copyOf(routePools));
            publish(route);
        }
    }

    /** The one periodic step: every pool's rules at the same instant. Never throws, or the schedule would stop. */
    private void tick() {
        tickRequested.set(false);
        try {
            var now = clock.instant();
            forEachPool(pool -> pool.tick(now));
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
        registry.publish(RouteSnapshot.of(route, pools.get(route)));
    }

    private void forEachPool(Consumer<ProcessPool> action) {
        for (List<ProcessPool> routePools : pools.values()) {
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
        if (Thread.currentThread() == thread) {
            task.run();
            return;
        }
        ScheduledExecutorService current = executor;
        if (current == null) {
            throw new IllegalStateException("supervisor thread is not running; state " + state());
        }
        try {
            current.submit(task).get(TASK_BOUND.toMillis(), TimeUnit.MILLISECONDS);
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
