package io.sluice.spawner.pool;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The workers of one backend in the two orders the rules need: newest first (lighttpd prepends procs, so among equal
 * loads the newest wins and the idle rule stops the newest first) and by id (spawned backends reuse the lowest free
 * id), plus the questions the tick rules ask of them. Supervisor thread only.
 */
final class WorkerSlots {

    private final List<Worker> newestFirst = new ArrayList<>();
    private final List<Worker> byId = new ArrayList<>();

    /** Adds a worker as the newest; its id must be the next one. */
    void add(Worker worker) {
        if (worker.id() != byId.size()) {
            throw new IllegalArgumentException("worker %s added out of order".formatted(worker.name()));
        }
        byId.add(worker);
        newestFirst.add(0, worker);
    }

    /** A worker being started becomes the newest. */
    void makeNewest(Worker worker) {
        newestFirst.remove(worker);
        newestFirst.add(0, worker);
    }

    List<Worker> newestFirst() {
        return Collections.unmodifiableList(newestFirst);
    }

    List<Worker> byId() {
        return Collections.unmodifiableList(byId);
    }

    boolean isEmpty() {
        return byId.isEmpty();
    }

    Worker get(int id) {
        return byId.get(id);
    }

    /** Workers that run or are about to: STARTING, RUNNING, DISABLED (not STOPPING, not DEAD). */
    int liveCount() {
        int live = 0;
        for (Worker worker : byId) {
            WorkerState state = worker.state();
            if (state == WorkerState.STARTING || state == WorkerState.RUNNING || state == WorkerState.DISABLED) {
                live++;
            }
        }
        return live;
    }

    /** The worker being spawned now (STARTING), or null. */
    Worker starting() {
        for (Worker worker : byId) {
            if (worker.state() == WorkerState.STARTING) {
                return worker;
            }
        }
        return null;
    }

    /** A DEAD worker whose backoff passed and whose old connections are gone. */
    static boolean spawnable(Worker worker, Instant now) {
        return worker.state() == WorkerState.DEAD && worker.load() == 0 && restartDue(worker, now);
    }

    private static boolean restartDue(Worker worker, Instant now) {
        return worker.restartAt() == null || !now.isBefore(worker.restartAt());
    }

    /** The lowest-id spawnable worker, or null. */
    Worker firstSpawnable(Instant now) {
        for (Worker worker : byId) {
            if (spawnable(worker, now)) {
                return worker;
            }
        }
        return null;
    }

    /** A worker offered to connections that now wait for it (load > 0) and whose backoff passed, or null. */
    Worker demanded(Instant now) {
        for (Worker worker : byId) {
            if (worker.state() == WorkerState.DEAD && worker.offered() && worker.load() > 0
                    && restartDue(worker, now)) {
                return worker;
            }
        }
        return null;
    }

    /** Whether at least one worker is RUNNING and every RUNNING worker's load is above {@code maxLoadPerProc}. */
    boolean everyRunningWorkerAbove(int maxLoadPerProc) {
        boolean any = false;
        for (Worker worker : byId) {
            if (worker.state() == WorkerState.RUNNING) {
                if (worker.load() <= maxLoadPerProc) {
                    return false;
                }
                any = true;
            }
        }
        return any;
    }

    /** The newest RUNNING worker with load 0 that was last used at or before {@code idleSince}, or null. */
    Worker newestIdle(Instant idleSince) {
        for (Worker worker : newestFirst) {
            if (worker.state() == WorkerState.RUNNING && worker.load() == 0
                    && !worker.lastUsed().isAfter(idleSince)) {
                return worker;
            }
        }
        return null;
    }

    /**
     * The DEAD worker a connection may wait for while none runs: one already offered (waiters pile onto it), else
     * the lowest id with load 0 that may start now (never started, stopped by us, or its backoff passed); it is then
     * marked offered. Only a worker with load 0 is offered first, so any load it gains afterwards is connections
     * waiting for it. Null when every slot is busy or backing off: a connection does not wait for a backoff.
     */
    Worker offer(Instant now) {
        for (Worker worker : byId) {
            // Offered at the DEAD edge's snapshot, before a crash set its backoff: no longer, once it has one.
            if (worker.state() == WorkerState.DEAD && worker.offered() && restartDue(worker, now)) {
                return worker;
            }
        }
        for (Worker worker : byId) {
            if (worker.state() == WorkerState.DEAD && worker.load() == 0 && restartDue(worker, now)) {
                worker.offer();
                return worker;
            }
        }
        return null;
    }

    /** A live worker (RUNNING or DISABLED) that has been up for at least {@code uptime}, or null. */
    Worker upFor(Duration uptime, Instant now) {
        for (Worker worker : byId) {
            WorkerState state = worker.state();
            Incarnation run = worker.incarnation();
            if ((state == WorkerState.RUNNING || state == WorkerState.DISABLED) && run != null
                    && run.startedAt != null && !now.isBefore(run.startedAt.plus(uptime))) {
                return worker;
            }
        }
        return null;
    }

    /** The earliest restart time of a DEAD worker held back by its backoff, or null. */
    Instant nextRestart() {
        Instant earliest = null;
        for (Worker worker : byId) {
            Instant at = worker.restartAt();
            if (worker.state() == WorkerState.DEAD && at != null && (earliest == null || at.isBefore(earliest))) {
                earliest = at;
            }
        }
        return earliest;
    }

    /** Why no worker is in rotation, as "1 disabled, 1 dead"; only meaningful when none is RUNNING. */
    String describeInactive() {
        int[] counts = new int[WorkerState.values().length];
        for (Worker worker : byId) {
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
}
