package io.sluice.spawner.balance;

import io.sluice.spawner.registry.BackendView;
import io.sluice.spawner.registry.SelectionKey;
import java.util.List;

/**
 * lighttpd's {@code least-connection} / {@code fair}: the active backend with the lowest load, compared with a strict
 * {@code <} so ties go to the lowest index (config order). Stateless; safe on any thread.
 */
final class LeastConnection implements BalancePolicy {

    static final LeastConnection INSTANCE = new LeastConnection();

    private LeastConnection() {
    }

    @Override
    public int select(List<? extends BackendView> backends, SelectionKey key) {
        if (backends.size() <= 1) {
            return SingleBackend.select(backends);
        }
        int chosen = -1;
        int lowest = Integer.MAX_VALUE;
        for (int i = 0, n = backends.size(); i < n; i++) {
            BackendView backend = backends.get(i);
            if (!backend.active()) {
                continue;
            }
            int load = backend.load();
            // lighttpd starts from INT_MAX with a strict <; the index check keeps a backend at INT_MAX selectable.
            if (load < lowest || chosen < 0) {
                lowest = load;
                chosen = i;
            }
        }
        return chosen;
    }

    @Override
    public String toString() {
        return "least-connection";
    }
}
