package io.sluice.spawner.pool;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Everything {@code acquire} needs about one route at one moment: its backends in config order and why none is
 * available (worded when asked, since it may say how long a backoff has left). Immutable; published by the supervisor
 * thread, read by any thread.
 */
public final class RouteSnapshot {

    private final String route;
    private final List<BackendSnapshot> backends;
    /** The reason when the route has no backends at all; null when the backends say why. */
    private final String fixedReason;

    private RouteSnapshot(String route, List<BackendSnapshot> backends, String fixedReason) {
        this.route = route;
        this.backends = backends;
        this.fixedReason = fixedReason;
    }

    /** The route's backends as its pools are now. Supervisor thread only. */
    public static RouteSnapshot of(String route, List<ProcessPool> pools) {
        Objects.requireNonNull(route, "route");
        return of(route, pools.stream().map(ProcessPool::snapshot).toArray(BackendSnapshot[]::new));
    }

    static RouteSnapshot of(String route, BackendSnapshot... backends) {
        return new RouteSnapshot(route, List.of(backends), null);
    }

    /** A route whose backends are not running at all, with the reason given to callers. */
    public static RouteSnapshot none(String route, String why) {
        return new RouteSnapshot(Objects.requireNonNull(route, "route"), List.of(), why);
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
