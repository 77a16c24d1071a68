package io.sluice.tunnel.cli;

import io.sluice.spawner.status.StatusSource;
import io.sluice.tunnel.admin.AdminServer;
import io.sluice.tunnel.admin.InstanceFacts;
import io.sluice.tunnel.admin.Readiness;
import io.sluice.tunnel.admin.StatusEndpoint;
import io.sluice.tunnel.admin.WorkerIdentifier;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.server.Transports;
import io.sluice.tunnel.session.SessionObserver;
import io.sluice.tunnel.session.TunnelStats;
import java.io.IOException;
import java.time.Instant;

/**
 * What {@code sluice run} offers operators beside the tunnel, wired from the configuration: readiness, the observer
 * of sessions and, when {@code admin:} is configured, the admin listener with its endpoints. Started before the
 * supervisor (so /healthz answers during a slow start) and stopped last (so /readyz answers 503 while the tunnel
 * drains). Used by the main thread only.
 */
final class Operations {
    private final SluiceConfig config;
    private final StatusSource spawner;
    private final Instant startedAt = Instant.now();
    private final Readiness readiness;
    private final AdminServer admin;

    Operations(SluiceConfig config, StatusSource spawner) {
        this.config = config;
        this.spawner = spawner;
        this.readiness = new Readiness(config, spawner);
        this.admin = config.admin() == null ? null : new AdminServer(config.admin(), readiness);
    }

    /** What the tunnel tells about its sessions. */
    SessionObserver sessionObserver() {
        return new WorkerIdentifier(spawner);
    }

    /** The tunnel's live counters: the status endpoints read them. Before {@link #start()}. */
    void attach(TunnelStats sessions) {
        if (admin == null) {
            return;
        }
        InstanceFacts facts = new InstanceFacts(SluiceVersion.number(), ProcessHandle.current().pid(), startedAt,
                config.file() == null ? null : config.file().toAbsolutePath(), Transports.name());
        admin.add("/status", new StatusEndpoint(config, facts, readiness, sessions, spawner));
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
