package io.sluice.spawner;

import io.sluice.spawner.pool.BackendPool;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backends a reload withdrew: each drains until its last session ended or its deadline passed, then stops through
 * its ladder and is forgotten once reaped. Confined to the supervisor thread.
 */
final class DrainingBackends {
    private static final Logger log = LoggerFactory.getLogger(DrainingBackends.class);

    /** A withdrawn backend, its deadline, and its stop once begun (null until then). */
    private record Draining(BackendPool pool, Instant deadline, CompletableFuture<Void> stopped) {
    }

    private final List<Draining> draining = new ArrayList<>();

    /** {@code pool} was withdrawn; it is stopped at {@code deadline} at the latest. */
    void add(BackendPool pool, Instant deadline) {
        draining.add(new Draining(pool, deadline, null));
    }

    /** Stops each backend whose last session ended or whose deadline passed; forgets those reaped. */
    void stopDrained(Instant now) {
        draining.removeIf(drain -> drain.stopped() != null && drain.stopped().isDone());
        for (int i = 0; i < draining.size(); i++) {
            Draining drain = draining.get(i);
            if (drain.stopped() != null) {
                continue;
            }
            BackendPool pool = drain.pool();
            boolean idle = pool.idle();
            if (idle || !now.isBefore(drain.deadline())) {
                log.info("route={} backend={}: replaced by a reload; {}, stopping its workers", pool.route(),
                        pool.spec().name(), idle ? "its last session ended" : "its drain time passed");
                draining.set(i, new Draining(pool, drain.deadline(), pool.stop()));
            }
        }
    }

    /** Stops every one now (supervisor stop); each stop is idempotent. */
    List<CompletableFuture<Void>> stopAll() {
        return draining.stream().map(drain -> drain.pool().stop()).toList();
    }

    /** The longest stop among them. */
    Duration longestStop() {
        return draining.stream().map(drain -> drain.pool().stopBound()).max(Duration::compareTo)
                .orElse(Duration.ZERO);
    }
}
