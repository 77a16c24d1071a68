package io.sluice.spawner.balance;

import io.sluice.spawner.registry.BackendView;
import java.util.List;

/** lighttpd's shortcut before any algorithm: a route with at most one backend uses it iff it is active. Stateless. */
final class SingleBackend {

    private SingleBackend() {
    }

    static int select(List<? extends BackendView> backends) {
        return backends.size() == 1 && backends.get(0).active() ? 0 : -1;
    }
}
