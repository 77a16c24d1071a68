package io.sluice.spawner.balance;

import io.sluice.spawner.registry.BackendView;
import io.sluice.spawner.registry.SelectionKey;
import java.util.List;

/**
 * lighttpd's {@code sticky}: base {@code djb(clientAddress, 5381)}, so one client address keeps its backend while that
 * backend is active. Stateless; safe on any thread.
 */
final class Sticky implements BalancePolicy {

    static final Sticky INSTANCE = new Sticky();

    private Sticky() {
    }

    @Override
    public int select(List<? extends BackendView> backends, SelectionKey key) {
        if (backends.size() <= 1) {
            return SingleBackend.select(backends);
        }
        return RendezvousHash.select(backends, Djb.hash(key.clientAddress(), Djb.INIT));
    }

    @Override
    public String toString() {
        return "sticky";
    }
}
