package io.sluice.spawner;

import io.sluice.spawner.pool.BackendPool;
import io.sluice.spawner.spec.BackendGroup;
import io.sluice.spawner.spec.BackendSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a reload maps the running backends onto a new configuration: a route whose {@link BackendGroup} is equal keeps
 * everything (its registry slot too); in any other route of the new configuration each host is either carried over
 * (a running backend of the same route with an equal {@link BackendSpec}: its workers and sessions stay) or new; the
 * running backends nothing carries over are withdrawn. Equality of the immutable spec records is the whole test, so
 * any change of an effective setting replaces the backend. Immutable (routes in config order); made on the supervisor thread.
 */
record PoolMatch(Map<String, List<Host>> routes, Set<String> keptRoutes, List<BackendPool> withdrawn) {

    /** One host of a route of the new configuration: {@code carried} is the running backend it keeps, or null. */
    record Host(BackendSpec spec, BackendPool carried) {
    }

    static PoolMatch of(List<BackendGroup> running, Map<String, List<BackendPool>> pools, List<BackendGroup> next) {
        Map<String, BackendGroup> before = new LinkedHashMap<>();
        running.forEach(group -> before.put(group.route(), group));
        Map<String, List<Host>> routes = new LinkedHashMap<>();
        Set<String> kept = new HashSet<>();
        List<BackendPool> withdrawn = new ArrayList<>();
        for (BackendGroup group : next) {
            List<BackendPool> left = new ArrayList<>(pools.getOrDefault(group.route(), List.of()));
            if (group.equals(before.get(group.route()))) {
                kept.add(group.route());
            }
            List<Host> hosts = new ArrayList<>();
            for (BackendSpec spec : group.backends()) {
                BackendPool carried = left.stream().filter(pool -> pool.spec().equals(spec)).findFirst().orElse(null);
                left.remove(carried);
                hosts.add(new Host(spec, carried));
            }
            withdrawn.addAll(left);
            routes.put(group.route(), List.copyOf(hosts));
        }
        pools.forEach((route, list) -> {
            if (!routes.containsKey(route)) {
                withdrawn.addAll(list);
            }
        });
        return new PoolMatch(Collections.unmodifiableMap(routes), Set.copyOf(kept), List.copyOf(withdrawn));
    }
}
