package io.sluice.tunnel.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spawner.status.BackendStatus;
import io.sluice.spawner.status.ExitKey;
import io.sluice.spawner.status.LiveKey;
import io.sluice.spawner.status.PerKeyStatus;
import io.sluice.spawner.status.SpawnerStatus;
import io.sluice.spawner.status.StatusSource;
import io.sluice.spawner.status.WorkerExit;
import io.sluice.spawner.status.WorkerStatus;
import io.sluice.testsupport.Python;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.server.TestConfigs;
import io.sluice.tunnel.session.Refusal;
import io.sluice.tunnel.session.TunnelStats;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The /status document, read back with Python's strict JSON parser: every documented field with known values. */
class StatusEndpointTest {
    private static final Instant STARTED = Instant.parse("2026-01-02T03:00:00Z");

    @Test
    void documentNamesProcessRoutesHostsWorkersAndTheirLastExit() {
        SluiceConfig config = TestConfigs.config(TestConfigs.route("/echo/"), TestConfigs.route("/other/"));
        TunnelStats sessions = new TunnelStats();
        sessions.refused(Refusal.now(new InetSocketAddress("127.0.0.1", 5555), "/echo/", 503, "no backend"));
        sessions.refused(Refusal.now(new InetSocketAddress("127.0.0.1", 5556), "", 404, "no route"));
        WorkerExit crash = new WorkerExit(STARTED.plusSeconds(60), 4001, "killed by SIGSEGV", -1,
                new ExitKey(ExitKey.ExitCause.SIGNAL, "SEGV", ExitKey.StopStep.NONE), Duration.ofSeconds(59));
        WorkerStatus running = new WorkerStatus(0, "/run/echo.sock-0", WorkerStatus.State.RUNNING, 4002,
                STARTED.plusSeconds(61), 1, 1, crash, null, null, () -> 3);
        WorkerStatus dead = new WorkerStatus(1, "/run/echo.sock-1", WorkerStatus.State.DEAD, 0, null, 0, 0, null,
                null, null, () -> 0);
        SpawnerStatus status = new SpawnerStatus(List.of(new BackendStatus("/echo/", "echo", BackendStatus.Kind.POOL,
                "/run/echo.sock", 1, 2, List.of(running, dead), 2, Map.of(crash.key(), 1L))));
        Readiness readiness = new Readiness(config, () -> status);
        readiness.markListening();
        InstanceFacts facts = new InstanceFacts("1.2.3", 777, STARTED, Path.of("/etc/sluice.yaml"), "epoll");

        Map<String, String> doc = Python.flattenJson(
                new StatusEndpoint(config, facts, readiness, sessions, () -> status).document(true));

        assertThat(doc).containsEntry("sluice.version", "\"1.2.3\"").containsEntry("sluice.pid", "777")
                .containsEntry("sluice.startedAt", "\"2026-01-02T03:00:00Z\"")
                .containsEntry("sluice.configFile", "\"/etc/sluice.yaml\"")
                .containsEntry("sluice.transport", "\"epoll\"")
                .containsEntry("sluice.ready", "false")
                .containsEntry("sluice.notReadyBecause", "\"no running worker for route /other/\"")
                .containsKey("sluice.uptimeSeconds").containsKey("sluice.now")
                .containsEntry("sessions.open", "0").containsEntry("sessions.total", "0")
                .containsEntry("routes[0].route", "\"/echo/\"")
                .containsEntry("routes[0].balance", "\"least-connection\"")
                .containsEntry("routes[0].frameType", "\"binary\"").containsEntry("routes[0].hosts[0]", "\"test\"")
                .containsEntry("routes[0].sessions.open", "0").containsEntry("routes[0].refusals.unavailable", "1")
                .containsEntry("routes[1].refusals", "{}")
                .containsEntry("refusalsWithoutRoute.no-route", "1")
                .containsEntry("hosts[0].route", "\"/echo/\"").containsEntry("hosts[0].name", "\"echo\"")
                .containsEntry("hosts[0].kind", "\"pool\"").containsEntry("hosts[0].minProcs", "1")
                .containsEntry("hosts[0].maxProcs", "2").containsEntry("hosts[0].load", "3")
                .containsEntry("hosts[0].spawns", "2").containsEntry("hosts[0].exits", "1")
                .containsEntry("hosts[0].exitsByCause[0].cause", "\"signal\"")
                .containsEntry("hosts[0].exitsByCause[0].signal", "\"SEGV\"")
                .containsEntry("hosts[0].exitsByCause[0].stop", "\"none\"")
                .containsEntry("hosts[0].exitsByCause[0].count", "1")
                .containsEntry("hosts[0].workers[0].id", "0").containsEntry("hosts[0].workers[0].state", "\"running\"")
                .containsEntry("hosts[0].workers[0].pid", "4002").containsEntry("hosts[0].workers[0].load", "3")
                .containsEntry("hosts[0].workers[0].startedAt", "\"2026-01-02T03:01:01Z\"")
                .containsEntry("hosts[0].workers[0].restarts", "1")
                .containsEntry("hosts[0].workers[0].crashesInARow", "1")
                .containsEntry("hosts[0].workers[0].disabledUntil", "null")
                .containsEntry("hosts[0].workers[0].lastExit.pid", "4001")
                .containsEntry("hosts[0].workers[0].lastExit.description", "\"killed by SIGSEGV\"")
                .containsEntry("hosts[0].workers[0].lastExit.code", "null")
                .containsEntry("hosts[0].workers[0].lastExit.cause", "\"signal\"")
                .containsEntry("hosts[0].workers[0].lastExit.signal", "\"SEGV\"")
                .containsEntry("hosts[0].workers[0].lastExit.ranForSeconds", "59.0")
                .containsEntry("hosts[0].workers[1].state", "\"dead\"").containsEntry("hosts[0].workers[1].pid", "null")
                .containsEntry("hosts[0].workers[1].lastExit", "null")
                .containsEntry("liveSessionsListed", "0").containsEntry("liveSessions", "[]");
    }

    @Test
    void withoutFullThereAreNoLiveSessions() {
        SluiceConfig config = TestConfigs.config(TestConfigs.route("/echo/"));
        Readiness readiness = new Readiness(config, () -> SpawnerStatus.NONE);
        InstanceFacts facts = new InstanceFacts("dev", 1, STARTED, null, "nio");

        Map<String, String> doc = Python.flattenJson(new StatusEndpoint(config, facts, readiness, new TunnelStats(),
                () -> SpawnerStatus.NONE).document(false));

        assertThat(doc).doesNotContainKey("liveSessions").containsEntry("sluice.configFile", "null")
                .containsEntry("hosts", "[]");
    }

    /** A per-key host lists its live keys by hash, never the key, with pid, state, sessions and idle time. */
    @Test
    void perKeyHostListsItsLiveKeysByHash() {
        SluiceConfig config = TestConfigs.config(TestConfigs.route("/notes/"));
        Instant now = Instant.now();
        WorkerStatus worker = new WorkerStatus(0, "/run/notes.sock-0123456789abcdef", WorkerStatus.State.RUNNING,
                4100, STARTED, 0, 0, null, null, null, () -> 0);
        SpawnerStatus status = new SpawnerStatus(List.of(new BackendStatus("/notes/", "notes",
                BackendStatus.Kind.PER_KEY, "/run/notes.sock", 0, 100, List.of(worker), 1, Map.of())));
        List<PerKeyStatus> keys = List.of(new PerKeyStatus("/notes/", "notes", 100, List.of(
                new LiveKey("0123456789abcdef", 4100, LiveKey.State.RUNNING, 0, STARTED, now.minusSeconds(30)),
                new LiveKey("fedcba9876543210", 0, LiveKey.State.STARTING, 2, null, null))));
        StatusSource source = new StatusSource() {
            @Override
            public SpawnerStatus current() {
                return status;
            }

            @Override
            public List<PerKeyStatus> perKey() {
                return keys;
            }
        };
        InstanceFacts facts = new InstanceFacts("dev", 1, STARTED, null, "epoll");

        Map<String, String> doc = Python.flattenJson(new StatusEndpoint(config, facts, new Readiness(config, source),
                new TunnelStats(), source).document(false));

        assertThat(doc).containsEntry("hosts[0].kind", "\"per-key\"").containsEntry("hosts[0].liveKeys", "2")
                .containsEntry("hosts[0].keys[0].hash", "\"0123456789abcdef\"")
                .containsEntry("hosts[0].keys[0].pid", "4100")
                .containsEntry("hosts[0].keys[0].state", "\"running\"")
                .containsEntry("hosts[0].keys[0].sessions", "0")
                .containsEntry("hosts[0].keys[0].startedAt", "\"2026-01-02T03:00:00Z\"")
                .containsEntry("hosts[0].keys[1].pid", "null")
                .containsEntry("hosts[0].keys[1].state", "\"starting\"")
                .containsEntry("hosts[0].keys[1].sessions", "2")
                .containsEntry("hosts[0].keys[1].idleSeconds", "null");
        assertThat(Double.parseDouble(doc.get("hosts[0].keys[0].idleSeconds"))).isBetween(29.0, 120.0);
    }
}
