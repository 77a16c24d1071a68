package io.sluice.spawner.pool;

import io.sluice.spawner.process.ExitStatus;
import io.sluice.spawner.process.SpawnException;
import io.sluice.spawner.process.StdioKind;
import io.sluice.spawner.process.StdioLauncher;
import io.sluice.spawner.process.StdioProgram;
import io.sluice.spawner.registry.Acquisition;
import io.sluice.spawner.registry.ConnectTerms;
import io.sluice.spawner.registry.SessionRequest;
import io.sluice.spawner.registry.StartFailure;
import io.sluice.spawner.registry.Unavailable;
import io.sluice.spawner.spec.BackendSpec;
import io.sluice.spawner.spec.StopLadder;
import io.sluice.spawner.status.BackendStatus;
import io.sluice.spawner.status.ExitKey;
import io.sluice.spawner.status.WorkerStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@code instances: per-connection} backend: one program per WebSocket session (websocketd's model), spawned for
 * that session and never reused. {@link #acquire} reserves a place under {@code max-procs} without a lock (503 beyond
 * it) and posts the spawn to the spawn threads; the place is given back when the program is reaped, not when the
 * session ends, so {@code max-procs} bounds processes, not sessions. A program that cannot be spawned fails only
 * its own session (503, nothing retried), so a broken program costs one spawn per session and never loops. When a
 * session lets go of its program (the tunnel has given it end of file), the program has {@code stop-timeout} to exit
 * before the host's stop ladder runs on its process group; the reaper kills whatever is left in the group when the
 * program exits. Refusals at the limit and failed spawns are logged at most once per 10 s, with their count.
 *
 * <p>Threading: {@link #acquire} runs on any thread (event loops), each spawn on one of the supervisor's spawn threads
 * (long-lived, like the supervisor thread, since a death signal follows the spawning thread; several, because a spawn
 * blocks its thread until the child has exec'd); everything else on the supervisor thread.
 */
public final class ProgramPool implements BackendPool {

    private static final Logger log = LoggerFactory.getLogger(ProgramPool.class);
    private static final Duration WARNING_INTERVAL = Duration.ofSeconds(10);

    private final String route;
    private final BackendSpec spec;
    private final StdioKind kind;
    private final ConnectTerms terms;
    private final int maxProcs;
    private final InstantSource clock;
    private final Executor supervisorThread;
    private final Executor spawnThreads;
    private final ScheduledExecutorService timer;
    private final StdioLauncher launcher;
    private final StopLadder ladder;
    /** Programs reserved by acquire and not yet reaped (or given up); what max-procs caps. */
    private final AtomicInteger programs = new AtomicInteger();
    private final AtomicInteger ids = new AtomicInteger();
    private final ThrottledWarning refusals;
    private final ThrottledWarning spawnFailures;
    private volatile boolean closed;
    /** Replaced by a reload: no new session and no spawn; running programs keep their sessions. */
    private volatile boolean withdrawn;
    /** Completes once the pool is closed and no program is reserved or running any more. */
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile String lastSpawnFailure = "";
    // Supervisor thread only.
    private final Set<ProgramRun> live = new HashSet<>();
    private final Map<ExitKey, Long> exits = new HashMap<>();
    private long spawns;

    /**
     * @param spawnThreads where spawns run: long-lived threads (a child's death signal follows the thread that spawned
     *                     it), never an event loop
     */
    public ProgramPool(String route, BackendSpec spec, InstantSource clock, Executor supervisorThread,
                       Executor spawnThreads, ScheduledExecutorService timer, StdioLauncher launcher) {
        this.route = Objects.requireNonNull(route, "route");
        this.spec = Objects.requireNonNull(spec, "spec");
        if (!spec.isPerConnection()) {
            throw new IllegalArgumentException("backend '%s' is not per-connection".formatted(spec.name()));
        }
        this.kind = spec.perConnection().pty() ? StdioKind.PTY : StdioKind.SOCKETPAIR;
        this.terms = ConnectTerms.of(spec.connectTimeout());
        this.maxProcs = spec.limits().maxProcs();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.supervisorThread = Objects.requireNonNull(supervisorThread, "supervisorThread");
        this.spawnThreads = Objects.requireNonNull(spawnThreads, "spawnThreads");
        this.timer = Objects.requireNonNull(timer, "timer");
        this.launcher = Objects.requireNonNull(launcher, "launcher");
        this.ladder = StopLadder.of(spec.launch());
        long now = System.nanoTime();
        this.refusals = new ThrottledWarning(WARNING_INTERVAL, now);
        this.spawnFailures = new ThrottledWarning(WARNING_INTERVAL, now);
    }

    /**
     * A lease on a program of its own for this session, ready once it was spawned; or 503 at {@code max-procs}.
     * Never blocks; any thread.
     */
    Acquisition acquire(SessionRequest request) {
        if (closed || withdrawn) {
            return stopping();
        }
        if (!reserve()) {
            long refused = refusals.count(System.nanoTime());
            if (refused > 0) {
                log.warn("route={} backend={}: per-connection limit reached: {} programs run (max-procs); refusing "
                        + "new sessions with 503{}", route, spec.name(), maxProcs,
                        refused > 1 ? " (" + refused + " refused since the last report)" : "");
            }
            return new Unavailable(route, "route '%s': per-connection limit reached (%d programs)"
                    .formatted(route, maxProcs));
        }
        int id = ids.incrementAndGet();
        ProgramRun run = new ProgramRun(id, "%s#%d (route %s)".formatted(spec.name(), id, route), request, clock);
        try {
            spawnThreads.execute(() -> spawn(run));
        } catch (RejectedExecutionException e) {
            giveBack();
            return stopping();
        }
        return run.lease(route, spec.name(), spec.address(), terms);
    }

    private boolean reserve() {
        while (true) {
            int now = programs.get();
            if (now >= maxProcs) {
                return false;
            }
            if (programs.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    private Unavailable stopping() {
        return new Unavailable(route, "no backend of route '%s' is available: it is stopping".formatted(route));
    }

    /** A place under max-procs is free again; the last one of a stopping pool completes its stop. */
    private void giveBack() {
        if (programs.decrementAndGet() == 0 && closed) {
            drained.complete(null);
        }
    }

    /**
     * Spawns {@code run}'s program, unless its session has gone meanwhile or the pool stops; the session may use it
     * at once, and the supervisor thread takes it into account. On a spawn thread.
     */
    private void spawn(ProgramRun run) {
        SessionRequest request = run.takeRequest();
        if (closed || withdrawn || run.isReleased()) {
            giveBack();
            run.notStarted(new IllegalStateException(closed || withdrawn ? "route '%s' is stopping".formatted(route)
                    : "the session went away before its program was started"));
            return;
        }
        StdioProgram program;
        try {
            program = launcher.launch(spec.launch(), kind, request.environment().get(), run.logName);
        } catch (SpawnException | RuntimeException e) {
            giveBack();
            spawnFailed(run, e);
            return;
        }
        run.started(program);
        try {
            supervisorThread.execute(() -> running(run));
        } catch (RejectedExecutionException e) {
            // The supervisor is gone, and with it every pool: nothing may run untracked.
            program.child().exit().whenComplete((status, failure) -> giveBack());
            program.child().signalGroup(StopLadder.SIGKILL);
        }
    }

    /** A spawned program, from now on stopped, counted and reaped here. Supervisor thread. */
    private void running(ProgramRun run) {
        spawns++;
        live.add(run);
        run.child().exit().whenCompleteAsync((status, failure) -> exited(run, status, failure), supervisorThread);
        if (closed) {
            run.stop(ladder, timer); // spawned while the pool began to stop
        }
    }

    /** One refusal, one session: nothing is retried, so a program that cannot start never loops. */
    private void spawnFailed(ProgramRun run, Exception e) {
        String why = e instanceof SpawnException ? e.getMessage()
                : "program %s: cannot start %s: %s".formatted(run.logName, spec.launch().binPath(), e);
        lastSpawnFailure = why;
        long failures = spawnFailures.count(System.nanoTime());
        if (failures > 0) {
            log.warn("route={} backend={}: {}; the session gets 503{}", route, spec.name(), why,
                    failures > 1 ? " (" + failures + " sessions since the last report)" : "");
        }
        run.notStarted(new StartFailure("route %s: the backend program could not be started".formatted(route), e));
    }

    private void exited(ProgramRun run, ExitStatus status, Throwable failure) {
        live.remove(run);
        giveBack();
        exits.merge(StatusRecorder.keyOf(status, run.stopping(), spec.launch().killSignal()), 1L, Long::sum);
        run.reaped(status);
        if (log.isDebugEnabled()) {
            log.debug("program {} pid {} {} after {}", run.logName, run.child().pid(),
                    failure != null ? "ended, status unknown (" + failure.getMessage() + ")" : status.describe(),
                    WorkerRunner.human(Duration.between(run.startedAt(), clock.instant())));
        }
    }

    /** Nothing to start: each session spawns its own program. */
    @Override
    public void start() {
    }

    /** {@code stop-timeout} after its session let go, a program still running gets the stop ladder. */
    @Override
    public void tick(Instant now) {
        for (ProgramRun run : live) {
            if (run.overstays(now, spec.launch().stopTimeout())) {
                log.debug("program {}: still running stop-timeout {} after its session ended; stopping it",
                        run.logName, WorkerRunner.human(spec.launch().stopTimeout()));
                run.stop(ladder, timer);
            }
        }
        long nanos = System.nanoTime();
        long refused = refusals.due(nanos);
        if (refused > 0) {
            log.warn("route={} backend={}: {} more sessions refused with 503 at max-procs ({} programs)", route,
                    spec.name(), refused, maxProcs);
        }
        long failed = spawnFailures.due(nanos);
        if (failed > 0) {
            log.warn("route={} backend={}: {} more sessions got 503: their program could not be started (last: {})",
                    route, spec.name(), failed, lastSpawnFailure);
        }
    }

    /** A reload replaced this host: new sessions are refused, pending spawns fail, running programs go on. */
    @Override
    public void withdraw() {
        withdrawn = true;
    }

    /** Whether no session holds a program and no spawn is under way. */
    @Override
    public boolean idle() {
        return programs.get() == live.size() && live.stream().allMatch(ProgramRun::isReleased);
    }

    /**
     * Refuses new sessions and runs the stop ladder on every program (and on any whose spawn is still under way);
     * completes once all are reaped.
     */
    @Override
    public CompletableFuture<Void> stop() {
        closed = true;
        for (ProgramRun run : live) {
            run.stop(ladder, timer);
        }
        if (programs.get() == 0) {
            drained.complete(null);
        }
        return drained;
    }

    @Override
    public Duration stopBound() {
        return ladder.steps().stream().map(StopLadder.Step::grace).reduce(Duration.ZERO, Duration::plus);
    }

    /** The programs running now, spawns and exits so far, for operators. Supervisor thread. */
    BackendStatus status() {
        List<WorkerStatus> workers = new ArrayList<>(live.size());
        for (ProgramRun run : live) {
            workers.add(run.status());
        }
        workers.sort(Comparator.comparingInt(WorkerStatus::id));
        return new BackendStatus(route, spec.name(), BackendStatus.Kind.PER_CONNECTION, spec.address().describe(),
                0, maxProcs, workers, spawns, exits);
    }

    /** Programs reserved or running now (any thread); for tests. */
    int programs() {
        return programs.get();
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
