package io.sluice.spawner.pool;

import io.sluice.spawner.process.ChildProcess;
import io.sluice.spawner.process.ExitStatus;
import io.sluice.spawner.spec.BackendSpec;
import io.sluice.spawner.status.BackendStatus;
import io.sluice.spawner.status.ExitKey;
import io.sluice.spawner.status.ExitKey.ExitCause;
import io.sluice.spawner.status.ExitKey.StopStep;
import io.sluice.spawner.status.SpawnerStatus;
import io.sluice.spawner.status.StatusSource;
import io.sluice.spawner.status.WorkerExit;
import io.sluice.spawner.status.WorkerStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Turns the pools into the operators' {@link SpawnerStatus} and publishes it through a volatile reference, counting
 * spawns and ended runs as it sees them. The supervisor calls {@link #record} wherever it publishes a registry
 * snapshot, which is after every worker state change: a run's start (RUNNING with a new process) and its end (a new
 * incarnation in place of the old one) are therefore each seen exactly once. {@link #record} runs on the supervisor
 * thread only; {@link #current()} on any thread.
 */
public final class StatusRecorder implements StatusSource {

    private static final int SIGKILL = 9;

    private final InstantSource clock;
    /** Route to its backends' latest status, in the order routes were first recorded (config order). */
    private final Map<String, List<BackendStatus>> routes = new LinkedHashMap<>();
    private final Map<Worker, Seen> seen = new IdentityHashMap<>();
    private final Map<BackendPool, Counts> counts = new IdentityHashMap<>();
    private volatile SpawnerStatus current = SpawnerStatus.NONE;

    public StatusRecorder(InstantSource clock) {
        this.clock = clock;
    }

    @Override
    public SpawnerStatus current() {
        return current;
    }

    /** Records {@code route}'s pools as they are now and publishes the whole status. Supervisor thread only. */
    public void record(String route, List<? extends BackendPool> pools) {
        Instant now = clock.instant();
        List<BackendStatus> backends = new ArrayList<>(pools.size());
        for (BackendPool pool : pools) {
            backends.add(backend(route, pool, now));
        }
        routes.put(route, List.copyOf(backends));
        current = new SpawnerStatus(routes.values().stream().flatMap(List::stream).toList());
    }

    /**
     * A reload left only {@code pools}: routes it removed leave the status, and backends no route has any more
     * their counts. Supervisor thread only.
     */
    public void retain(Map<String, ? extends List<? extends BackendPool>> pools) {
        routes.keySet().retainAll(pools.keySet());
        Map<BackendPool, Boolean> live = new IdentityHashMap<>();
        pools.values().forEach(list -> list.forEach(pool -> live.put(pool, Boolean.TRUE)));
        counts.keySet().removeIf(pool -> !live.containsKey(pool));
        seen.keySet().removeIf(worker -> counts.keySet().stream().noneMatch(pool -> ownedBy(pool, worker)));
        current = new SpawnerStatus(routes.values().stream().flatMap(List::stream).toList());
    }

    private static boolean ownedBy(BackendPool pool, Worker worker) {
        return (pool instanceof KeyedPool keyed ? keyed.workers() : ((ProcessPool) pool).workers()).contains(worker);
    }

    private BackendStatus backend(String route, BackendPool pool, Instant now) {
        if (pool instanceof ProgramPool programs) {
            return programs.status();
        }
        BackendSpec spec = pool.spec();
        Counts count = counts.computeIfAbsent(pool, p -> new Counts());
        List<Worker> byId = new ArrayList<>(pool instanceof KeyedPool keyed ? keyed.workers()
                : ((ProcessPool) pool).workers());
        byId.sort(Comparator.comparingInt(Worker::id));
        List<WorkerStatus> workers = new ArrayList<>(byId.size());
        for (Worker worker : byId) {
            workers.add(worker(spec, worker, count, now));
        }
        return new BackendStatus(route, spec.name(),
                kind(pool), spec.address().describe(),
                spec.limits().minProcs(), spec.limits().maxProcs(), workers, count.spawns, count.exits);
    }

    private static BackendStatus.Kind kind(BackendPool pool) {
        if (pool instanceof KeyedPool) {
            return BackendStatus.Kind.PER_KEY;
        }
        return pool.spec().hasLaunch() ? BackendStatus.Kind.POOL : BackendStatus.Kind.STATIC;
    }

    private WorkerStatus worker(BackendSpec spec, Worker worker, Counts count, Instant now) {
        Seen was = seen.computeIfAbsent(worker, w -> new Seen());
        Incarnation run = worker.incarnation();
        if (run != was.run) {
            if (was.run != null) {
                ended(spec, was, count, now);
            }
            was.run = run;
            was.startingSeen = false;
        }
        ChildProcess child = run == null ? null : run.child;
        if (child != null && child != was.child) {
            was.child = child;
            was.starts++;
            count.spawns++;
        }
        WorkerState state = worker.state();
        if (state == WorkerState.STARTING) {
            was.startingSeen = true;
        }
        boolean live = child != null && state != WorkerState.DEAD;
        return new WorkerStatus(worker.id(), worker.address().describe(), reported(state),
                live ? child.pid() : 0, live ? run.startedAt : null, Math.max(0, was.starts - 1), worker.crashes(),
                was.lastExit, worker.disabledUntil(), worker.restartAt(), worker::load);
    }

    /** The run we saw last was replaced: it ended (reaped), or it never got a process (a failed start). */
    private void ended(BackendSpec spec, Seen was, Counts count, Instant now) {
        Incarnation old = was.run;
        ChildProcess child = old.child;
        WorkerExit exit;
        if (child != null) {
            exit = exitOf(spec, old, child, now);
        } else if (was.startingSeen) {
            exit = new WorkerExit(now, 0, "did not start", -1,
                    new ExitKey(ExitCause.START_FAILED, "", StopStep.NONE), Duration.ZERO);
        } else {
            return; // never started: nothing ran, nothing ended
        }
        was.lastExit = exit;
        was.child = null;
        count.exits.merge(exit.key(), 1L, Long::sum);
    }

    private static WorkerExit exitOf(BackendSpec spec, Incarnation run, ChildProcess child, Instant now) {
        CompletableFuture<ExitStatus> future = child.exit();
        ExitStatus status = future.isDone() && !future.isCompletedExceptionally() ? future.join() : null;
        Duration ranFor = run.startedAt == null ? Duration.ZERO : Duration.between(run.startedAt, now);
        boolean asked = run.stopReason != null;
        ExitKey key = keyOf(status, asked, spec.launch().killSignal());
        if (status == null) {
            return new WorkerExit(now, child.pid(), "status unknown", -1, key, ranFor);
        }
        return new WorkerExit(now, child.pid(), status.brief(),
                status instanceof ExitStatus.Exited exited ? exited.code() : -1, key, ranFor);
    }

    /**
     * The bounded class of an ended run: its exit code's class or its signal, and how far Sluice's stop ladder had
     * gone ({@code asked}: Sluice asked it to stop); {@code status} null when it was lost.
     */
    static ExitKey keyOf(ExitStatus status, boolean asked, int killSignal) {
        if (status == null) {
            return new ExitKey(ExitCause.UNKNOWN, "", asked ? StopStep.KILL_SIGNAL : StopStep.NONE);
        }
        if (status instanceof ExitStatus.Exited exited) {
            return new ExitKey(ExitCause.ofCode(exited.code()), "", asked ? StopStep.KILL_SIGNAL : StopStep.NONE);
        }
        ExitStatus.Killed killed = (ExitStatus.Killed) status;
        StopStep step = !asked ? StopStep.NONE
                : killed.signal() == SIGKILL && killSignal != SIGKILL ? StopStep.SIGKILL
                : StopStep.KILL_SIGNAL;
        return new ExitKey(ExitCause.SIGNAL, signalName(killed), step);
    }

    /** "SEGV" from "killed by SIGSEGV"; the number when the signal has no name. */
    private static String signalName(ExitStatus.Killed killed) {
        String brief = killed.brief();
        int at = brief.indexOf("SIG");
        return at >= 0 ? brief.substring(at + 3) : Integer.toString(killed.signal());
    }

    private static WorkerStatus.State reported(WorkerState state) {
        return switch (state) {
            case STARTING -> WorkerStatus.State.STARTING;
            case RUNNING -> WorkerStatus.State.RUNNING;
            case DISABLED -> WorkerStatus.State.DISABLED;
            case STOPPING -> WorkerStatus.State.STOPPING;
            case DEAD -> WorkerStatus.State.DEAD;
        };
    }

    /** What was last seen of one worker slot. */
    private static final class Seen {
        Incarnation run;
        ChildProcess child;
        boolean startingSeen;
        int starts;
        WorkerExit lastExit;
    }

    /** Per backend, since start. */
    private static final class Counts {
        long spawns;
        final Map<ExitKey, Long> exits = new HashMap<>();
    }
}
