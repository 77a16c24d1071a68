package io.sluice.tunnel.cli;

import io.sluice.spawner.status.StatusSource;
import io.sluice.tunnel.admin.AdminServer;
import io.sluice.tunnel.admin.Readiness;
import io.sluice.tunnel.config.SluiceConfig;
import java.io.IOException;

/**
 * What {@code sluice run} offers operators beside the tunnel, wired from the configuration: readiness and, when
 * {@code admin:} is configured, the admin listener. Started before the supervisor (so /healthz answers during a slow
 * start) and stopped last (so /readyz answers 503 while the tunnel drains). Used by the main thread only.
 */
final class Operations {
    private final Readiness readiness;
    private final AdminServer admin;

    Operations(SluiceConfig config, StatusSource spawner) {
        this.readiness = new Readiness(config, spawner);
        this.admin = config.admin() == null ? null : new AdminServer(config.admin(), readiness);
    }

    /** Starts the admin listener, if any. */
    void start() throws IOException, InterruptedException {
        if (admin != null) {
            admin.start();
        }
    }

    /** The tunnel listens: ready once the routes have their workers. */
    void tunnelListening() {
        readiness.markListening();
    }

    /** A shutdown begins: not ready from now on. */
    void draining() {
        readiness.markDraining();
    }

    /** Stops the admin listener; idempotent. */
    void stop() {
        if (admin != null) {
            admin.stop();
        }
    }
}
