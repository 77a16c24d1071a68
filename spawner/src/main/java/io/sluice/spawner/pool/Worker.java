package io.sluice.spawner.pool;

import io.sluice.spawner.spec.BackendAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One slot of a backend (lighttpd's {@code gw_proc}): its address, its {@link WorkerState}, and its load. State and
 * per-state data change only through {@link #moveTo} on the supervisor thread; the load, {@code lastUsed} and the
 * connect-failure count are atomic because leases update them from event loops.
 */
public final class Worker {

    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    /**
     * Added to the load of a worker that may no longer be leased (claimed by an idle stop, or retired): the load is
     * then negative, so acquire, which increments only a non-negative load, refuses it, while the sessions it still
     * holds are counted above this value and released as usual. An idle stop's claim (no session) is cleared when the
     * worker is DEAD, so a pool slot can be offered again; a retired single-run worker stays closed.
     */
    private static final int CLOSING = Integer.MIN_VALUE;

    private final String backendName;
    private final int id;
    /** How logs name this worker after the backend: the id, or a per-key worker's key hash. */
    private final String label;
    /** A per-key worker runs once and is never leased again after it was closed; a pool slot is reused. */
    private final boolean singleRun;
    private final BackendAddress address;
    private final Duration disableTime;
    private final InstantSource clock;
    private final WorkerListener listener;
    private final AtomicInteger load = new AtomicInteger();
    private final AtomicInteger consecutiveConnectFailures = new AtomicInteger();
    private volatile Instant lastUsed;
    // Confined to the supervisor thread, like every per-state field below it.
    private WorkerState state;
    /** Set only while DISABLED. */
    private Instant disabledUntil;
    /** Set only while DEAD after a crash or a failed start: the earliest restart (backoff). */
    private Instant restartAt;
    /** Only while DEAD: the registry offers this worker to connections that wait for its on-demand start. */
    private boolean offered;
    /** Crashes in a row, for the restart backoff; survives the DEAD state, reset by a healthy run. */
    private int crashes;
    /** Spawned workers only: the current or next run of the process; null for an existing server. */
    private Incarnation incarnation;

    /**
     * A worker in its first state: RUNNING for an existing server, DEAD for a spawned slot that has not run yet
     * (lighttpd's {@code gw_proc_init}), STARTING for one about to be spawned. No listener is told, because the
     * supervisor publishes a snapshot after creating workers anyway.
     */
    public Worker(String backendName, int id, BackendAddress address, Duration disableTime, InstantSource clock,
                  WorkerState initial, WorkerListener listener) {
        this(backendName, id, Integer.toString(id), false, address, disableTime, clock, initial, listener);
    }

    /**
     * A worker that runs once (a per-key worker): named {@code backend#label}, DEAD until its one start, and never
     * leasable again once an idle stop claimed it or it was {@link #retire() retired}.
     */
    static Worker singleRun(String backendName, int id, String label, BackendAddress address, InstantSource clock,
                            WorkerListener listener) {
        return new Worker(backendName, id, label, true, address, Duration.ZERO, clock, WorkerState.DEAD, listener);
    }

    private Worker(String backendName, int id, String label, boolean singleRun, BackendAddress address,
                   Duration disableTime, InstantSource clock, WorkerState initial, WorkerListener listener) {
        this.backendName = Objects.requireNonNull(backendName, "backendName");
        this.id = id;
        this.label = Objects.requireNonNull(label, "label");
        this.singleRun = singleRun;
        this.address = Objects.requireNonNull(address, "address");
        this.disableTime = Objects.requireNonNull(disableTime, "disableTime");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.state = Objects.requireNonNull(initial, "initial");
        this.listener = Objects.requireNonNull(listener, "listener");
        if (initial != WorkerState.STARTING && initial != WorkerState.RUNNING && initial != WorkerState.DEAD) {
            throw new IllegalArgumentException(
                    "worker %s#%d: cannot be created %s".formatted(backendName, id, initial));
        }
        this.lastUsed = clock.instant();
    }

    /**
     * The only writer of the state: checks the edge, sets or clears per-state data, logs the edge and tells the
     * listener. Supervisor thread only.
     *
     * @throws IllegalStateException when {@code current -> next} is not a legal edge
     */
    public void moveTo(WorkerState next, String why) {
        moveTo(next, why, null);
    }

    /**
     * {@link #moveTo(WorkerState, String)} that, for DEAD, also holds the worker back until {@code restartAt} (the
     * restart backoff; null for none). Set in the same step, so the snapshot the listener publishes already knows it
     * and offers no connection a worker that is backing off.
     */
    void moveTo(WorkerState next, String why, Instant restartAt) {
        Objects.requireNonNull(next, "next");
        WorkerState from = state;
        if (!from.canMoveTo(next)) {
            throw new IllegalStateException("worker %s: cannot move %s -> %s".formatted(name(), from, next));
        }
        if (restartAt != null && next != WorkerState.DEAD) {
            throw new IllegalArgumentException("worker %s: a restart time needs DEAD, not %s".formatted(name(), next));
        }
        disabledUntil = next == WorkerState.DISABLED ? clock.instant().plus(disableTime) : null;
        if (next == WorkerState.DEAD && !singleRun) {
            load.compareAndSet(CLOSING, 0); // the idle stop's claim ends with the process; the slot is reused
        }
        this.restartAt = restartAt;
        offered = false;
        state = next;
        if (from == WorkerState.STARTING) {
            // A fresh process starts with a clean record. A re-enable does not: refusals must add up across
            // disable-time windows, or a worker that refuses forever is never restarted (lighttpd B14).
            consecutiveConnectFailures.set(0);
        }
        log.info("worker {} ({}) {} -> {}: {}", name(), address.describe(), from, next, why);
        try {
            listener.stateChanged(this, from, next, why);
        } catch (RuntimeException e) {
            log.error("worker {}: state listener failed on {} -> {}", name(), from, next, e);
        }
    }

    /** "backend#id" (a per-key worker: "backend#keyhash"), as logs and messages name a worker. */
    public String name() {
        return backendName + "#" + label;
    }

    public String backendName() {
        return backendName;
    }

    public int id() {
        return id;
    }

    public BackendAddress address() {
        return address;
    }

    /** Supervisor thread only. */
    public WorkerState state() {
        return state;
    }

    /** When a DISABLED worker may return to rotation; null in every other state. Supervisor thread only. */
    public Instant disabledUntil() {
        return disabledUntil;
    }

    /** The earliest restart after a crash or failed start; null unless DEAD after one. Supervisor thread only. */
    public Instant restartAt() {
        return restartAt;
    }

    /** Whether the registry offers this DEAD worker to connections that wait for its start. Supervisor thread. */
    boolean offered() {
        return offered;
    }

    void offer() {
        if (state != WorkerState.DEAD) {
            throw new IllegalStateException("worker %s: only a DEAD worker can be offered, not %s"
                    .formatted(name(), state));
        }
        offered = true;
    }

    /** Crashes in a row. Supervisor thread only. */
    public int crashes() {
        return crashes;
    }

    void setCrashes(int crashes) {
        this.crashes = crashes;
    }

    /** The current or next run of a spawned worker; null for an existing server. Supervisor thread only. */
    Incarnation incarnation() {
        return incarnation;
    }

    void setIncarnation(Incarnation incarnation) {
        this.incarnation = incarnation;
    }

    /** Counts as use now, so a fresh worker is not idle-stopped at once. Supervisor thread. */
    void markUsed(Instant now) {
        lastUsed = now;
    }

    /** Connections currently held or being made to this worker, also once it may no longer be leased. Any thread. */
    public int load() {
        return sessions(load.get());
    }

    /** The load, or -1 once this worker was claimed or retired (no lease may be granted on it). Any thread. */
    int leasableLoad() {
        return Math.max(-1, load.get());
    }

    private static int sessions(int value) {
        return value >= 0 ? value : value - CLOSING;
    }

    /** When a connection last started or ended on this worker (for idle-timeout). Any thread. */
    public Instant lastUsed() {
        return lastUsed;
    }

    /** Connect failures since the last success or re-enable. Any thread. */
    public int consecutiveConnectFailures() {
        return consecutiveConnectFailures.get();
    }

    /**
     * Claims one unit of load unless an idle stop claimed the worker first. Any thread.
     *
     * @return the load including this claim, or -1 when the worker is being stopped (nothing was claimed)
     */
    int acquireLoad() {
        while (true) {
            int current = load.get();
            if (current < 0) {
                return -1;
            }
            if (load.compareAndSet(current, current + 1)) {
                return current + 1;
            }
        }
    }

    /**
     * Claims one unit of load unless the worker is closed, or it already carries {@code cap} (a key's
     * {@code max-sessions-per-key}). Any thread.
     *
     * @return the load including this claim; 0 when at the cap, -1 when closed (nothing was claimed either way)
     */
    int acquireLoadBelow(int cap) {
        while (true) {
            int current = load.get();
            if (current < 0) {
                return -1;
            }
            if (current >= cap) {
                return 0;
            }
            if (load.compareAndSet(current, current + 1)) {
                return current + 1;
            }
        }
    }

    /**
     * Claims an idle worker for its stop, in one atomic step with the check that no connection holds it: succeeds
     * only at load 0, and from then on {@link #acquireLoad()} refuses it. Supervisor thread.
     */
    boolean claimForIdleStop() {
        return load.compareAndSet(0, CLOSING);
    }

    /**
     * Closes the worker to new leases whatever its load (a per-key worker at {@code max-age}, crashed, or refusing),
     * in one atomic step: a lease claimed before still counts and is released as usual, none can be claimed after.
     * Any thread.
     *
     * @return whether this call closed it (false when it was closed already)
     */
    boolean retire() {
        while (true) {
            int current = load.get();
            if (current < 0) {
                return false;
            }
            if (load.compareAndSet(current, current + CLOSING)) {
                return true;
            }
        }
    }

    /** Whether leases can no longer be claimed on this worker (claimed by an idle stop, or retired). Any thread. */
    boolean closed() {
        return load.get() < 0;
    }

    /**
     * Gives back one unit of load. Any thread.
     *
     * @throws IllegalStateException when the load is already 0, which means a lease was released twice
     */
    void releaseLoad(Instant now) {
        int before = load.getAndUpdate(v -> sessions(v) > 0 ? v - 1 : v);
        if (sessions(before) <= 0) {
            throw new IllegalStateException("worker %s: load released below 0".formatted(name()));
        }
        // Tunnels live long, so the end of a connection counts as use, or idle-timeout would stop a worker at once.
        lastUsed = now;
    }

    /** A connect to this worker succeeded. Any thread. */
    void connected(Instant now) {
        consecutiveConnectFailures.set(0);
        lastUsed = now;
    }

    /** Counts one connect failure; returns the count so far. Supervisor thread. */
    int countConnectFailure() {
        return consecutiveConnectFailures.incrementAndGet();
    }

    @Override
    public String toString() {
        return "worker " + name() + " @ " + address.describe();
    }
}
