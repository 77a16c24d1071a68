package io.sluice.tunnel.cli;

import io.sluice.spawner.status.StatusSource;
import io.sluice.tunnel.accesslog.AccessLog;
import io.sluice.tunnel.admin.AdminResponse;
import io.sluice.tunnel.admin.AdminServer;
import io.sluice.tunnel.admin.InstanceFacts;
import io.sluice.tunnel.admin.Readiness;
import io.sluice.tunnel.admin.StatusEndpoint;
import io.sluice.tunnel.admin.StatusPage;
import io.sluice.tunnel.admin.WorkerIdentifier;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.json.JsonWriter;
import io.sluice.tunnel.metrics.Scrape;
import io.sluice.tunnel.metrics.SluiceMetrics;
import io.sluice.tunnel.server.TunnelServer;
import io.sluice.tunnel.session.RefusalLog;
import io.sluice.tunnel.session.SessionObserver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * What {@code sluice run} offers operators beside the tunnel, wired from the configuration: readiness, the observers
 * of sessions and, when {@code admin:} is configured, the admin listener with status and metrics. Started before the
 * supervisor (so /healthz answers during a slow start) and stopped last (so /readyz answers 503 while the tunnel
 * drains). Used by the main thread only.
 */
final class Operations {
    private static final Logger LOG = LoggerFactory.getLogger(Operations.class);

    private final SluiceConfig config;
    private final StatusSource spawner;
    private final Instant startedAt = Instant.now();
    private final Readiness readiness;
    private final AdminServer admin;
    /** Only with an admin listener: nobody could read them otherwise. */
    private final SluiceMetrics metrics;
    /** Only with {@code access-log:}. */
    private final AccessLog accessLog;
    /** Set by {@link #attach}; only with an admin listener. */
    private StatusEndpoint status;

    Operations(SluiceConfig config, StatusSource spawner) {
        this.config = config;
        this.spawner = spawner;
        this.readiness = new Readiness(config, spawner);
        this.admin = config.admin() == null ? null : new AdminServer(config.admin(), readiness);
        this.metrics = admin == null ? null : new SluiceMetrics(config, spawner);
        this.accessLog = config.accessLog() == null ? null : new AccessLog(config.accessLog());
        if (metrics != null && accessLog != null) {
            metrics.bindCounter("sluice.access.log.dropped", "Access log lines dropped because the writer fell "
                    + "behind", accessLog, AccessLog::dropped);
        }
    }

    /** What the tunnel tells about its sessions: the worker's name first, so the others can use it. */
    SessionObserver sessionObserver() {
        List<SessionObserver> observers = new ArrayList<>();
        observers.add(new WorkerIdentifier(spawner));
        observers.add(new RefusalLog());
        if (metrics != null) {
            observers.add(metrics.sessionObserver());
        }
        if (accessLog != null) {
            observers.add(accessLog);
        }
        return SessionObserver.all(observers.toArray(SessionObserver[]::new));
    }

    /**
     * The tunnel server is made: its live counters feed /status and the metrics, which also name the server's
     * {@code transport}. Before {@link #start()}.
     */
    void attach(TunnelServer server, String transport) {
        if (admin == null) {
            return;
        }
        InstanceFacts facts = new InstanceFacts(SluiceVersion.number(), ProcessHandle.current().pid(), startedAt,
                config.file() == null ? null : config.file().toAbsolutePath(), transport);
        status = new StatusEndpoint(config, facts, readiness, server.stats(), spawner);
        admin.add("/status", status);
        StatusPage.addTo(admin);
        admin.add("/metrics", request -> {
            Scrape scrape = metrics.scrape(request.accept());
            return new AdminResponse(200, scrape.contentType(), scrape.body().getBytes(StandardCharsets.UTF_8));
        });
    }

    /** {@code POST /reload} on the admin listener runs {@code reloader}; before {@link #start()}. */
    void attachReload(Reloader reloader) {
        if (admin != null) {
            admin.addAction("/reload", () -> reloader.request("POST /reload").thenApply(Operations::answer));
        }
    }

    /** The JSON answer of {@code POST /reload}: 200 when applied (maybe partly), 422 when refused. */
    private static AdminResponse answer(Reloader.Outcome outcome) {
        JsonWriter json = new JsonWriter().beginObject()
                .field("result", outcome.result().name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .name("messages").beginArray();
        outcome.messages().forEach(json::value);
        String body = json.endArray().endObject().toString();
        return AdminResponse.json(outcome.result() == Reloader.Result.REFUSED ? 422 : 200, body);
    }

    /** A reload applied {@code reloaded}: readiness, /status and the metrics follow its routes. Reload thread. */
    void reloaded(SluiceConfig reloaded) {
        readiness.reloaded(reloaded);
        if (status != null) {
            status.reloaded(reloaded);
        }
        if (metrics != null) {
            metrics.reloaded(reloaded);
        }
    }

    /** Opens the access log (SIGUSR1 reopens it) and starts the admin listener, if they are configured. */
    void start() throws IOException, InterruptedException {
        if (accessLog != null) {
            accessLog.start();
            Signal.handle(new Signal("USR1"), signal -> accessLog.reopen());
        }
        if (admin != null) {
            admin.start();
        }
    }

    /** The tunnel listens: ready once the routes have their workers; its event loops get their gauges. */
    void tunnelListening(TunnelServer server) {
        if (metrics != null) {
            metrics.bindTunnel(server.stats(), server.eventLoops());
        }
        readiness.markListening();
    }

    /**
     * A shutdown begins: not ready from now on. With {@code admin.drain-delay} everything is still served for that
     * long, so a load balancer polling /readyz takes this Sluice out of rotation before its tunnels get CLOSE 1001.
     * On the stopping thread, never an event loop.
     */
    void draining() {
        readiness.markDraining();
        Duration delay = config.admin() == null ? Duration.ZERO : config.admin().drainDelay();
        if (delay.isZero()) {
            return;
        }
        LOG.info("stopping: /readyz answers 503; still serving for admin.drain-delay {} before tunnels close", delay);
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // a second signal or a forced stop: go on at once
        }
    }

    /** Writes what the access log still holds, stops the admin listener; idempotent. */
    void stop() {
        if (accessLog != null) {
            accessLog.close();
        }
        if (admin != null) {
            admin.stop();
        }
        if (metrics != null) {
            metrics.close();
        }
    }
}
