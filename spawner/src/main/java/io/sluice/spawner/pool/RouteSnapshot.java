package io.sluice.spawner.pool;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Everything {@code acquire} needs about one route at one moment: its backends in config order and, precomputed so a
 * 503 costs no formatting, why none is available. Immutable; published by the supervisor thread, read by any thread.
 */
public final class RouteSnapshot {

    private final String route;
    private final List<BackendSnapshot> backends;
    private final String unavailableReason;
    private final String unavailableDetail;

    private RouteSnapshot(String route, List<BackendSnapshot> backends, String detail) {
        this.route = route;
        this.backends = backends;
        this.unavailableReason = "no backend of route '%s' is available".formatted(route);
        this.unavailableDetail = detail;
    }

    /** The route's backends as its pools are now. Supervisor thread only. */
    public static RouteSnapshot of(String route, List<ProcessPool> pools) {
        Objects.requireNonNull(route, "route");
        return of(route, pools.stream().map(ProcessPool::snapshot).toArray(BackendSnapshot[]::new));
    }

    static RouteSnapshot of(String route, BackendSnapshot... backends) {
        String detail = Arrays.stream(backends).map(BackendSnapshot::inactiveDetail).collect(Collectors.joining("; "));
        return new RouteSnapshot(route, List.of(backends), detail);
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

    /** One line for the 503, naming no backend; meaningful only when no backend is active. */
    String unavailableReason() {
        return unavailableReason;
    }

    /** Why, backend by backend (names and states), for the outage log only. */
    String unavailableDetail() {
        return unavailableDetail;
    }
}
