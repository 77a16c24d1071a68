package io.sluice.spawner.pool;

import io.sluice.spawner.spec.BackendGroup;
import io.sluice.spawner.spec.BackendSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Started pools and a registry for some routes, wired as the supervisor wires them but without its thread: posted
 * tasks run at once on the caller. For registry tests that need no real supervisor; confined to the test thread
 * except for acquire and lease calls.
 */
final class StaticRoutes {

    final ManualClock clock = new ManualClock();
    final AtomicInteger nudges = new AtomicInteger();
    final SnapshotRegistry registry;
    private final Map<String, List<ProcessPool>> pools = new HashMap<>();

    StaticRoutes(BackendGroup... groups) {
        registry = new SnapshotRegistry(List.of(groups), nudges::incrementAndGet);
        for (BackendGroup group : groups) {
            List<ProcessPool> routePools = new ArrayList<>();
            pools.put(group.route(), routePools);
            for (BackendSpec spec : group.backends()) {
                ProcessPool pool = new ProcessPool(group.route(), spec, clock, Runnable::run,
                        (worker, from, to, why) -> publish(group.route()));
                routePools.add(pool);
                pool.start();
            }
            publish(group.route());
        }
    }

    ProcessPool pool(String route, int index) {
        return pools.get(route).get(index);
    }

    Worker worker(String route, int index) {
        return pool(route, index).workers().get(0);
    }

    void tick() {
        pools.values().forEach(list -> list.forEach(pool -> pool.tick(clock.instant())));
    }

    private void publish(String route) {
        registry.publish(RouteSnapshot.of(route, pools.get(route)));
    }
}
