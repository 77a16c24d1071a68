package io.sluice.tunnel.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sluice.tunnel.config.RouteSpec;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.session.Refusal;
import io.sluice.tunnel.session.SessionObserver;
import io.sluice.tunnel.session.SessionRecord;
import io.sluice.tunnel.session.TunnelStats;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tunnel's metrics, updated once per session event (open, end, refusal, failed connect) on the session's event
 * loop, never per frame: a session's bytes and messages are added when it ends. Routes are the configured ones; a
 * refusal whose path matched no route is labelled {@code route=""}. Thread-safe: meters are Micrometer's, the caches
 * concurrent maps.
 */
final class SessionMetrics implements SessionObserver {
    /** Buckets of the backend connect time: from an established worker (sub-ms) to an on-demand JVM spawn. */
    private static final Duration[] CONNECT_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    /** Written by the constructor and by reloads (which only add), read by event loops. */
    private final Map<String, RouteMeters> routes = new ConcurrentHashMap<>();
    private final Map<String, Counter> dynamic = new ConcurrentHashMap<>();

    SessionMetrics(MeterRegistry registry, SluiceConfig config) {
        this.registry = registry;
        for (RouteSpec route : config.routes()) {
            routes.put(route.key(), new RouteMeters(route.key()));
        }
    }

    /**
     * A reload added routes: they get their meters (and, once the tunnel is bound, their gauge). Meters of removed
     * routes stay, with their counts: counters only grow, and a scraper sees no series vanish.
     */
    void addRoutes(SluiceConfig config, TunnelStats stats) {
        for (RouteSpec route : config.routes()) {
            if (!routes.containsKey(route.key())) {
                routes.put(route.key(), new RouteMeters(route.key()));
                if (stats != null) {
                    bindGauge(stats, route.key());
                }
            }
        }
    }

    /** The per-route gauges read the tunnel's live counters. */
    void bindGauges(TunnelStats stats) {
        for (String route : routes.keySet()) {
            bindGauge(stats, route);
        }
    }

    private void bindGauge(TunnelStats stats, String route) {
        Gauge.builder("sluice.sessions.open", stats, s -> s.route(route).open())
                .description("Tunnels open now (past the 101, not yet closed)").tag("route", route)
                .register(registry);
    }

    @Override
    public void opened(SessionRecord session) {
        RouteMeters meters = routes.get(session.route());
        if (meters != null) {
            meters.handshakeAccepted.increment();
            meters.connectTime.record(session.timeToBackend());
        }
    }

    @Override
    public void closed(SessionRecord session) {
        RouteMeters meters = routes.get(session.route());
        if (meters == null) {
            return;
        }
        meters.bytesFromClient.increment(session.bytesFromClient());
        meters.bytesToClient.increment(session.bytesToClient());
        meters.messagesFromClient.increment(session.messagesFromClient());
        meters.messagesToClient.increment(session.messagesToClient());
        String reason = session.reason().name().toLowerCase(Locale.ROOT).replace('_', '-');
        String code = CloseCodes.label(session.closeCode());
        counter("sluice.sessions", "Tunnels ended, by route, close code, reason and who closed",
                "route", session.route(), "code", code, "reason", reason,
                "closed_by", session.closedBy().label()).increment();
    }

    @Override
    public void refused(Refusal refusal) {
        String route = routes.containsKey(refusal.route()) ? refusal.route() : "";
        counter("sluice.handshakes", "WebSocket handshakes by route and HTTP status (101 = accepted)",
                "route", route, "status", Integer.toString(refusal.status())).increment();
        counter("sluice.refusals", "Refused handshakes by route and reason",
                "route", route, "reason", refusal.reason()).increment();
    }

    @Override
    public void connectFailed(String route, boolean backendsFault) {
        if (routes.containsKey(route)) {
            counter("sluice.backend.connect.failures", "Failed backend connects by route and whose fault",
                    "route", route, "blame", backendsFault ? "backend" : "sluice").increment();
        }
    }

    private Counter counter(String name, String description, String... tags) {
        String key = name + String.join("\u0000", tags);
        Counter counter = dynamic.get(key);
        if (counter == null) {
            counter = dynamic.computeIfAbsent(key, k -> Counter.builder(name).description(description).tags(tags)
                    .register(registry));
        }
        return counter;
    }

    /** Meters of one route made up front, so a session's end does no lookup beyond the route's. */
    private final class RouteMeters {
        final Counter handshakeAccepted;
        final Timer connectTime;
        final Counter bytesFromClient;
        final Counter bytesToClient;
        final Counter messagesFromClient;
        final Counter messagesToClient;

        RouteMeters(String route) {
            handshakeAccepted = counter("sluice.handshakes",
                    "WebSocket handshakes by route and HTTP status (101 = accepted)", "route", route, "status", "101");
            connectTime = Timer.builder("sluice.backend.connect")
                    .description("From an accepted upgrade request to the backend connection: acquire, any "
                            + "on-demand spawn, connect")
                    .tag("route", route).serviceLevelObjectives(CONNECT_BUCKETS).register(registry);
            bytesFromClient = Counter.builder("sluice.session.bytes").baseUnit("bytes")
                    .description("Payload bytes of ended tunnels, by direction").tags("route", route,
                            "direction", "from_client").register(registry);
            bytesToClient = Counter.builder("sluice.session.bytes").baseUnit("bytes")
                    .description("Payload bytes of ended tunnels, by direction").tags("route", route,
                            "direction", "to_client").register(registry);
            messagesFromClient = Counter.builder("sluice.session.messages")
                    .description("Messages of ended tunnels, by direction").tags("route", route,
                            "direction", "from_client").register(registry);
            messagesToClient = Counter.builder("sluice.session.messages")
                    .description("Messages of ended tunnels, by direction").tags("route", route,
                            "direction", "to_client").register(registry);
        }
    }
}
