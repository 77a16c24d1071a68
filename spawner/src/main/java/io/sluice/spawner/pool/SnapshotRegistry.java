package io.sluice.spawner.pool;

import io.sluice.spawner.balance.BalancePolicy;
import io.sluice.spawner.registry.Acquisition;
import io.sluice.spawner.registry.Lease;
import io.sluice.spawner.registry.Registry;
import io.sluice.spawner.registry.SessionRequest;
import io.sluice.spawner.registry.Unavailable;
import io.sluice.spawner.spec.BackendGroup;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry as copy-on-write snapshots: the supervisor publishes an immutable {@link RouteSnapshot} per route
 * through a volatile reference after every worker state change, and {@link #acquire} reads it without a lock, picks a
 * backend with the route's policy and a worker inside it, and increments that worker's load. A route with a per-key
 * host is answered by that host's {@link KeyTable} (a concurrent map of its keys), one with a per-connection host by
 * its {@link ProgramPool} (a place under max-procs and a spawn for the session). Thread-safe; acquire never blocks
 * and, for a running worker, allocates only the lease (or the {@link Unavailable}).
 */
public final class SnapshotRegistry implements Registry {

    private static final Logger log = LoggerFactory.getLogger(SnapshotRegistry.class);

    private final Map<String, RouteSlot> routes;
    private final Runnable nudge;

    /**
     * @param groups the routes; each starts unavailable until its first {@link #publish}
     * @param nudge  asks the supervisor to tick soon; called from event loops, so it must be cheap and coalesce
     */
    public SnapshotRegistry(List<BackendGroup> groups, Runnable nudge) {
        this.nudge = Objects.requireNonNull(nudge, "nudge");
        Map<String, RouteSlot> byRoute = new HashMap<>();
        for (BackendGroup group : groups) {
            RouteSlot slot = new RouteSlot(BalancePolicy.of(group.balance()),
                    RouteSnapshot.none(group.route(), "the supervisor has not started"));
            if (byRoute.put(group.route(), slot) != null) {
                throw new IllegalArgumentException("route '%s' is configured twice".formatted(group.route()));
            }
        }
        this.routes = Map.copyOf(byRoute);
    }

    private SnapshotRegistry(Map<String, RouteSlot> routes, Runnable nudge) {
        this.routes = Map.copyOf(routes);
        this.nudge = nudge;
    }

    /**
     * The registry of a reloaded configuration, to be used in place of this one from now on: the routes in
     * {@code kept} share this registry's slots (what the supervisor publishes reaches both, and their outage state
     * carries over); every other route gets a slot of its own, unavailable until its first {@link #publish}. This
     * registry keeps answering for its own slots until the caller {@link #withdraw}s them. Supervisor thread only.
     */
    public SnapshotRegistry next(List<BackendGroup> groups, Set<String> kept) {
        Map<String, RouteSlot> byRoute = new HashMap<>();
        for (BackendGroup group : groups) {
            RouteSlot slot = kept.contains(group.route()) ? routes.get(group.route())
                    : new RouteSlot(BalancePolicy.of(group.balance()),
                            RouteSnapshot.none(group.route(), "the route's backends are starting (reload)"));
            if (slot == null) {
                throw new IllegalArgumentException("route '%s' is kept but was not registered".formatted(group.route()));
            }
            if (byRoute.put(group.route(), slot) != null) {
                throw new IllegalArgumentException("route '%s' is configured twice".formatted(group.route()));
            }
        }
        return new SnapshotRegistry(byRoute, nudge);
    }

    /**
     * A reload changed or removed {@code route}: this registry's slot for it refuses every acquire from now on (a
     * session that matched the route just before the reload gets a 503). Supervisor thread only.
     */
    public void withdraw(String route) {
        publish(RouteSnapshot.none(route, "route '%s' was changed or removed by a reload".formatted(route)));
    }

    /** Replaces the route's snapshot. Supervisor thread only. */
    public void publish(RouteSnapshot snapshot) {
        RouteSlot slot = routes.get(snapshot.route());
        if (slot == null) {
            throw new IllegalArgumentException("route '%s' is not registered".formatted(snapshot.route()));
        }
        slot.snapshot = snapshot;
    }

    @Override
    public Acquisition acquire(String route, SessionRequest request) {
        RouteSlot slot = routes.get(route);
        if (slot == null) {
            return new Unavailable(route, "route '%s' is not configured".formatted(route));
        }
        RouteSnapshot snapshot = slot.snapshot;
        if (snapshot.keys() != null) {
            return snapshot.keys().acquire(request);
        }
        if (snapshot.programs() != null) {
            return snapshot.programs().acquire(request);
        }
        List<BackendSnapshot> backends = snapshot.backends();
        int chosen = slot.policy.select(backends, request.selection());
        if (chosen < 0) {
            return slot.outage(snapshot);
        }
        BackendSnapshot backend = backends.get(chosen);
        if (slot.inOutage.get()) {
            slot.recovered(route, backend.name());
        }
        if (!backend.hasRunning()) {
            // None runs, but one is starting or can start (min-procs 0): the connection waits on the lease's
            // ready() for the spawn this nudge triggers; the claimed load is the demand.
            backend.pending().acquireLoad();
            nudge.run();
            return backend.pendingLease(route);
        }
        // A failed claim means an idle stop took that worker after this snapshot was made; it is skipped from then
        // on, so this ends after at most one try per worker.
        for (int index = backend.pickWorker(); index >= 0; index = backend.pickWorker()) {
            int load = backend.worker(index).acquireLoad();
            if (load > 0) {
                if (backend.wantsAnotherWorker(load)) {
                    nudge.run();
                }
                return backend.lease(route, index);
            }
        }
        return new Unavailable(route, "no backend of route '%s' is available: %s: its workers are stopping (idle)"
                .formatted(route, "'" + backend.name() + "'"));
    }

    /** One route's policy, current snapshot and outage flag; the flag outlives snapshots so an outage logs once. */
    private static final class RouteSlot {
        final BalancePolicy policy;
        final AtomicBoolean inOutage = new AtomicBoolean();
        volatile RouteSnapshot snapshot;

        RouteSlot(BalancePolicy policy, RouteSnapshot snapshot) {
            this.policy = policy;
            this.snapshot = snapshot;
        }

        Unavailable outage(RouteSnapshot snapshot) {
            String reason = snapshot.unavailableReason();
            String detail = snapshot.unavailableDetail();
            // lighttpd note_is_sent: one line per outage, not one per refused connection.
            if (inOutage.compareAndSet(false, true)) {
                log.warn("route={}: {}: {}; refusing connections with 503 until a backend is available",
                        snapshot.route(), reason, detail);
            }
            return new Unavailable(snapshot.route(), reason, detail);
        }

        void recovered(String route, String backendName) {
            if (inOutage.compareAndSet(true, false)) {
                log.info("route={}: backend '{}' is available again", route, backendName);
            }
        }
    }
}
