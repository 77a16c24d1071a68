package io.sluice.spawner.balance;

import io.sluice.spawner.registry.BackendView;
import io.sluice.spawner.registry.SelectionKey;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * lighttpd's {@code round-robin}: a per-route cursor (starting at -1) moves to the first active backend after it,
 * wrapping to the first active one at or before it. Thread-safe: the cursor is advanced with a compare-and-set, so
 * concurrent callers each get their own step of the sequence.
 */
final class RoundRobin implements BalancePolicy {

    private final AtomicInteger cursor = new AtomicInteger(-1);

    RoundRobin() {
    }

    @Override
    public int select(List<? extends BackendView> backends, SelectionKey key) {
        if (backends.size() <= 1) {
            // lighttpd does not touch the cursor when there is nothing to balance.
            return SingleBackend.select(backends);
        }
        while (true) {
            int last = cursor.get();
            int next = next(backends, last);
            if (cursor.compareAndSet(last, next)) {
                return next;
            }
        }
    }

    /** The first active index above {@code last}, else the first active index at or below it, else -1. */
    private static int next(List<? extends BackendView> backends, int last) {
        int n = backends.size();
        for (int i = Math.max(last + 1, 0); i < n; i++) {
            if (backends.get(i).active()) {
                return i;
            }
        }
        for (int i = 0; i <= last && i < n; i++) {
            if (backends.get(i).active()) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "round-robin";
    }
}
