package io.sluice.tunnel.admin;

import io.sluice.spawner.status.SpawnerStatus;
import io.sluice.spawner.status.StatusSource;
import io.sluice.tunnel.config.RouteSpec;
import io.sluice.tunnel.config.SluiceConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Whether Sluice should get new connections: the tunnel listens, every route that keeps workers running
 * ({@code min-procs} above 0) has one RUNNING, and no shutdown has begun. A shutdown marks it not ready before the
 * first tunnel is told to close, so a load balancer polling /readyz drains this node first. Thread-safe: the flags
 * are volatile, the rest is read from immutable snapshots.
 */
public final class Readiness {
    /** The routes whose workers readiness waits for; a reload replaces it. */
    private volatile SluiceConfig config;
    private final StatusSource spawner;
    private volatile boolean listening;
    private volatile boolean draining;

    public Readiness(SluiceConfig config, StatusSource spawner) {
        this.config = Objects.requireNonNull(config, "config");
        this.spawner = Objects.requireNonNull(spawner, "spawner");
    }

    /** A reload applied {@code reloaded}: readiness waits for its routes from now on. */
    public void reloaded(SluiceConfig reloaded) {
        config = Objects.requireNonNull(reloaded, "reloaded");
    }

    /** The tunnel server is bound and accepts connections. */
    public void markListening() {
        listening = true;
    }

    /** A shutdown began: not ready from now on, for good. */
    public void markDraining() {
        draining = true;
    }

    public boolean draining() {
        return draining;
    }

    /** Null when ready; otherwise why not, in one line. */
    public String notReadyBecause() {
        if (draining) {
            return "shutting down";
        }
        if (!listening) {
            return "the tunnel is not listening yet";
        }
        SpawnerStatus status = spawner.current();
        List<String> waiting = new ArrayList<>();
        for (RouteSpec route : config.routes()) {
            boolean keepsWorkers = route.backends().backends().stream().anyMatch(b -> b.limits().minProcs() > 0);
            if (keepsWorkers && !status.hasRunningWorker(route.key())) {
                waiting.add(route.key());
            }
        }
        return waiting.isEmpty() ? null : "no running worker for route " + String.join(", ", waiting);
    }

    /** The /readyz endpoint: 200 "ready", or 503 with the reason. */
    AdminResponse endpoint(AdminRequest request) {
        String reason = notReadyBecause();
        return reason == null ? AdminResponse.text(200, "ready") : AdminResponse.text(503, "not ready: " + reason);
    }
}
