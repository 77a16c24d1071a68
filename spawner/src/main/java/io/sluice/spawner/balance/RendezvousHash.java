package io.sluice.spawner.balance;

import io.sluice.spawner.registry.BackendView;
import java.util.List;

/**
 * The pick shared by {@code hash} and {@code sticky}: the active backend maximising {@code base ^ hostHash}, compared
 * as unsigned 32-bit values (lighttpd's {@code uint32_t}) with {@code <=}, so ties go to the highest index. Stateless.
 */
final class RendezvousHash {

    private RendezvousHash() {
    }

    static int select(List<? extends BackendView> backends, int base) {
        int chosen = -1;
        int best = 0;
        for (int i = 0, n = backends.size(); i < n; i++) {
            BackendView backend = backends.get(i);
            if (!backend.active()) {
                continue;
            }
            int candidate = base ^ Djb.hostHash(backend.address());
            if (Integer.compareUnsigned(best, candidate) <= 0) {
                best = candidate;
                chosen = i;
            }
        }
        return chosen;
    }
}
