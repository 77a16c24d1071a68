package io.sluice.spawner.pool;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Everything {@code acquire} needs about one route at one moment: its backends in config order and why none is
 * available (worded when asked, since it may say how long a backoff has left), or for a route with a per-key host the
 * live table of its keys, or for a route with a per-connection host that host's programs. Immutable apart from that
 * table and those programs (thread-safe); published by the supervisor thread, read by any thread.
 */
public final class RouteSnapshot {

    private final String route;
    private final List<BackendSnapshot> backends;
    /** The reason when the route has no backends at all; null when the backends say why. */
    private final String fixedReason;
    /** The keys of the route's per-key host, or null. */
    private final KeyTable keys;
    /** The route's per-connection host, or null. */
    private final ProgramPool programs;

    private RouteSnapshot(String route, List<BackendSnapshot> backends, String fixedReason, KeyTable keys,
                          ProgramPool programs) {
        this.route = route;
        this.backends = backends;
        this.fixedReason = fixedReason;
        this.keys = keys;
        this.programs = programs;
    }

    /** The route's backends as its pools are now. Supervisor thread only. */
    public static RouteSnapshot of(String route, List<? extends BackendPool> pools) {
        Objects.requireNonNull(route, "route");
        if (pools.size() == 1 && pools.get(0) instanceof KeyedPool keyed) {
            return new RouteSnapshot(route, List.of(), null, keyed.table(), null);
        }
        if (pools.size() == 1 && pools.get(0) instanceof ProgramPool programs) {
            return new RouteSnapshot(route, List.of(), null, null, programs);
        }
        return of(route, pools.stream().map(pool -> ((ProcessPool) pool).snapshot()).toArray(BackendSnapshot[]::new));
    }

    static RouteSnapshot of(String route, BackendSnapshot... backends) {
        return new RouteSnapshot(route, List.of(backends), null, null, null);
    }

    /** A route whose backends are not running at all, with the reason given to callers. */
    public static RouteSnapshot none(String route, String why) {
        return new RouteSnapshot(Objects.requireNonNull(route, "route"), List.of(), why, null, null);
    }

    /** The table of the route's per-key host, or null when its hosts are not per-key. */
    KeyTable keys() {
        return keys;
    }

    /** The route's per-connection host, or null when its hosts are not per-connection. */
    ProgramPool programs() {
        return programs;
    }

    public String route() {
        return route;
    }

    List<BackendSnapshot> backends() {
        return backends;
    }

    /**
     * One line for the 503, naming no backend, address, path or binary: the route, and what a client may read of
     * the cause (a failed start and the next try); meaningful only when no backend is active.
     */
    String unavailableReason() {
        String base = "no backend of route '%s' is available".formatted(route);
        String cause = backends.stream().map(BackendSnapshot::publicCause).filter(Objects::nonNull)
                .collect(Collectors.joining("; "));
        return cause.isEmpty() ? base : base + ": " + cause;
    }

    /** Why, backend by backend (names and states), for the outage log only. */
    String unavailableDetail() {
        return fixedReason != null ? fixedReason
                : backends.stream().map(BackendSnapshot::inactiveDetail).collect(Collectors.joining("; "));
    }
}
