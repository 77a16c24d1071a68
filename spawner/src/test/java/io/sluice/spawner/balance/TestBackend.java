package io.sluice.spawner.balance;

import io.sluice.spawner.registry.BackendView;
import io.sluice.spawner.spec.BackendAddress;
import java.nio.file.Path;

/** A fixed {@link BackendView} for policy tests. */
record TestBackend(BackendAddress address, int load, boolean active) implements BackendView {

    static TestBackend tcp(String host, int port) {
        return new TestBackend(new BackendAddress.Tcp(host, port), 0, true);
    }

    static TestBackend unix(String path) {
        return new TestBackend(new BackendAddress.UnixPath(Path.of(path)), 0, true);
    }

    static TestBackend loaded(int load) {
        return new TestBackend(new BackendAddress.Tcp("127.0.0.1", 9000 + load), load, true);
    }

    TestBackend inactive() {
        return new TestBackend(address, load, false);
    }
}
