package io.sluice.tunnel.admin;

import io.sluice.spawner.status.BackendStatus;
import io.sluice.spawner.status.ExitKey;
import io.sluice.spawner.status.LiveKey;
import io.sluice.spawner.status.PerKeyStatus;
import io.sluice.spawner.status.SpawnerStatus;
import io.sluice.spawner.status.StatusSource;
import io.sluice.spawner.status.WorkerExit;
import io.sluice.spawner.status.WorkerStatus;
import io.sluice.tunnel.config.RouteSpec;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.json.JsonWriter;
import io.sluice.tunnel.session.RouteStats;
import io.sluice.tunnel.session.SessionRecord;
import io.sluice.tunnel.session.TunnelStats;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * /status: this process, every route with its session counts and refusals, every host with its workers (pid, state,
 * load, restarts, last exit), and with {@code ?full} the open sessions (at most {@value #MAX_LIVE_SESSIONS}). Field
 * names are documented in docs/operations.md. Reads immutable snapshots and atomic counters; runs on the admin loop.
 */
public final class StatusEndpoint implements AdminEndpoint {
    /** The most open sessions {@code ?full} lists; {@code liveSessionsListed} says how many it did. */
    static final int MAX_LIVE_SESSIONS = 1000;

    /** The routes listed; a reload replaces it. */
    private volatile SluiceConfig config;
    private final InstanceFacts facts;
    private final Readiness readiness;
    private final TunnelStats sessions;
    private final StatusSource spawner;

    public StatusEndpoint(SluiceConfig config, InstanceFacts facts, Readiness readiness, TunnelStats sessions,
                   StatusSource spawner) {
        this.config = Objects.requireNonNull(config, "config");
        this.facts = Objects.requireNonNull(facts, "facts");
        this.readiness = Objects.requireNonNull(readiness, "readiness");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.spawner = Objects.requireNonNull(spawner, "spawner");
    }

    /** A reload applied {@code reloaded}: its routes are listed from now on. */
    public void reloaded(SluiceConfig reloaded) {
        config = Objects.requireNonNull(reloaded, "reloaded");
    }

    @Override
    public AdminResponse handle(AdminRequest request) {
        return AdminResponse.json(200, document(request.has("full")));
    }

    String document(boolean full) {
        Instant now = Instant.now();
        SpawnerStatus status = spawner.current();
        String notReady = readiness.notReadyBecause();
        JsonWriter json = new JsonWriter().beginObject();
        json.name("sluice").beginObject()
                .field("version", facts.version())
                .field("pid", facts.pid())
                .field("startedAt", facts.startedAt())
                .name("uptimeSeconds").seconds(Duration.between(facts.startedAt(), now))
                .field("configFile", facts.configFile() == null ? null : facts.configFile().toString())
                .field("transport", facts.transport())
                .field("ready", notReady == null)
                .field("notReadyBecause", notReady)
                .field("now", now)
                .endObject();
        long[] bytes = sessions.bytesSoFar();
        json.name("sessions").beginObject()
                .field("open", sessions.activeSessions())
                .field("total", sessions.totalSessions())
                .field("bytesFromClient", bytes[0])
                .field("bytesToClient", bytes[1])
                .endObject();
        json.name("routes").beginArray();
        for (RouteSpec route : config.routes()) {
            route(json, route, sessions.route(route.key()));
        }
        json.endArray();
        Map<String, Long> unrouted = sessions.route(TunnelStats.NO_ROUTE).refusals();
        json.name("refusalsWithoutRoute");
        counts(json, unrouted);
        json.name("hosts").beginArray();
        List<PerKeyStatus> perKey = spawner.perKey();
        for (BackendStatus backend : status.backends()) {
            host(json, backend, now, perKey);
        }
        json.endArray();
        if (full) {
            liveSessions(json);
        }
        return json.endObject().toString();
    }

    private static void route(JsonWriter json, RouteSpec route, RouteStats stats) {
        json.beginObject()
                .field("route", route.key())
                .field("balance", route.backends().balance().configName())
                .field("frameType", route.frameType().configName());
        json.name("hosts").beginArray();
        route.backends().backends().forEach(b -> json.value(b.name()));
        json.endArray();
        json.name("sessions").beginObject().field("open", stats.open()).field("total", stats.total()).endObject();
        json.name("refusals");
        counts(json, stats.refusals());
        json.endObject();
    }

    private static void counts(JsonWriter json, Map<String, Long> counts) {
        json.beginObject();
        counts.forEach(json::field);
        json.endObject();
    }

    private static void host(JsonWriter json, BackendStatus backend, Instant now, List<PerKeyStatus> perKey) {
        json.beginObject()
                .field("route", backend.route())
                .field("name", backend.name())
                .field("kind", backend.kind().label())
                .field("address", backend.address())
                .field("minProcs", backend.minProcs())
                .field("maxProcs", backend.maxProcs())
                .field("load", backend.workers().stream().mapToLong(WorkerStatus::load).sum())
                .field("spawns", backend.spawns())
                .field("exits", backend.exitCount());
        json.name("exitsByCause").beginArray();
        backend.exits().entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<ExitKey, Long> e) -> e.getKey().cause())
                        .thenComparing(e -> e.getKey().signal()).thenComparing(e -> e.getKey().stop()))
                .forEach(e -> {
                    json.beginObject();
                    exitKey(json, e.getKey());
                    json.field("count", e.getValue()).endObject();
                });
        json.endArray();
        json.name("workers").beginArray();
        for (WorkerStatus worker : backend.workers()) {
            worker(json, worker, now);
        }
        json.endArray();
        if (backend.kind() == BackendStatus.Kind.PER_KEY) {
            keys(json, perKey.stream().filter(k -> k.route().equals(backend.route())
                    && k.backend().equals(backend.name())).findFirst().map(PerKeyStatus::keys).orElse(List.of()), now);
        }
        json.endObject();
    }

    /** A per-key host's live keys, by hash only: a raw key may be a user name or a token. */
    private static void keys(JsonWriter json, List<LiveKey> keys, Instant now) {
        json.field("liveKeys", keys.size());
        json.name("keys").beginArray();
        for (LiveKey key : keys) {
            json.beginObject()
                    .field("hash", key.hash())
                    .name("pid").value(key.pid() == 0 ? null : (Long) key.pid());
            json.field("state", key.state().name().toLowerCase(Locale.ROOT))
                    .field("sessions", key.sessions())
                    .field("startedAt", key.startedAt())
                    .name("idleSeconds").seconds(key.idleSince() == null ? null
                            : Duration.between(key.idleSince(), now));
            json.endObject();
        }
        json.endArray();
    }

    private static void worker(JsonWriter json, WorkerStatus worker, Instant now) {
        json.beginObject()
                .field("id", worker.id())
                .field("address", worker.address())
                .field("state", worker.state().label())
                .name("pid").value(worker.pid() == 0 ? null : (Long) worker.pid());
        json.field("load", worker.load())
                .field("startedAt", worker.startedAt())
                .name("uptimeSeconds").seconds(worker.startedAt() == null ? null
                        : Duration.between(worker.startedAt(), now));
        json.field("restarts", worker.restarts())
                .field("crashesInARow", worker.crashesInARow())
                .field("disabledUntil", worker.disabledUntil())
                .field("restartAt", worker.restartAt());
        json.name("lastExit");
        WorkerExit exit = worker.lastExit();
        if (exit == null) {
            json.nullValue();
        } else {
            json.beginObject()
                    .field("at", exit.at())
                    .field("pid", exit.pid())
                    .field("description", exit.description())
                    .name("code").value(exit.code() < 0 ? null : (Integer) exit.code());
            exitKey(json, exit.key());
            json.name("ranForSeconds").seconds(exit.ranFor()).endObject();
        }
        json.endObject();
    }

    private static void exitKey(JsonWriter json, ExitKey key) {
        json.field("cause", key.cause().label())
                .field("signal", key.signal().isEmpty() ? null : key.signal())
                .field("stop", key.stop().label());
    }

    private void liveSessions(JsonWriter json) {
        List<SessionRecord> live = sessions.liveSessions(MAX_LIVE_SESSIONS);
        json.field("liveSessionsListed", live.size());
        json.name("liveSessions").beginArray();
        for (SessionRecord s : live) {
            json.beginObject()
                    .field("id", s.id())
                    .field("route", s.route())
                    .field("remoteAddress", s.remoteHost())
                    .field("remotePort", s.remotePort())
                    .field("host", s.backend())
                    .name("workerId").value(s.workerId() < 0 ? null : (Integer) s.workerId());
            json.name("workerPid").value(s.workerPid() == 0 ? null : (Long) s.workerPid());
            json.field("openedAt", s.openedAt())
                    .name("ageSeconds").seconds(s.age());
            json.field("bytesFromClient", s.bytesFromClient())
                    .field("bytesToClient", s.bytesToClient())
                    .field("messagesFromClient", s.messagesFromClient())
                    .field("messagesToClient", s.messagesToClient())
                    .endObject();
        }
        json.endArray();
    }
}
