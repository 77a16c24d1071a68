package io.sluice.spawner.balance;

import io.sluice.spawner.registry.BackendView;
import io.sluice.spawner.registry.SelectionKey;
import java.util.List;

/**
 * lighttpd's {@code hash}: base {@code djb(authority, djb(path, 5381))}, so the query string does not matter and a
 * different Host may pick a different backend. Stateless; safe on any thread.
 */
final class Hash implements BalancePolicy {

    static final Hash INSTANCE = new Hash();

    private Hash() {
    }

    @Override
    public int select(List<? extends BackendView> backends, SelectionKey key) {
        if (backends.size() <= 1) {
            return SingleBackend.select(backends);
        }
        int base = Djb.hash(key.authority(), Djb.hash(key.path(), Djb.INIT));
        return RendezvousHash.select(backends, base);
    }

    @Override
    public String toString() {
        return "hash";
    }
}
