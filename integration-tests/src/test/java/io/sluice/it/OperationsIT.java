package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.it.client.JdkWsClient;
import io.sluice.it.harness.AdminEndpoint;
import io.sluice.it.harness.SluiceProcess;
import io.sluice.it.harness.SocketDir;
import io.sluice.it.harness.Workers;
import io.sluice.testsupport.PrometheusSamples;
import io.sluice.testsupport.Python;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin listener of the runnable jar, with independent clients (the JDK HTTP client, and curl when installed):
 * the token, /readyz, /status with the real worker's pid, its live session and its crash, and /readyz turning 503
 * when a stop begins while the admin listener still answers.
 */
class OperationsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "it-token-0123456789abcdef";

    private SocketDir dir;
    private final Workers workers = new Workers();
    private SluiceProcess sluice;

    @BeforeEach
    void makeDir() throws Exception {
        dir = new SocketDir();
        Files.writeString(dir.resolve("admin.token"), TOKEN + "\n");
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            if (sluice != null) {
                sluice.close();
            }
        } finally {
            workers.killAll();
            dir.close();
        }
    }

    private Path config(String workerFlags) throws Exception {
        Path config = dir.resolve("sluice.yaml");
        Files.writeString(config, """
                server: { bind: 127.0.0.1, port: 0, runtime-dir: %s, graceful-shutdown-timeout: 5s }
                admin: { bind: 127.0.0.1, port: 0, token: admin.token }
                access-log: { path: access.jsonl, format: json }
                wstunnel:
                  frame-type: binary
                  ping-interval: 0
                  server:
                    "/w":
                      - bin-path: %s
                        min-procs: 1
                        max-procs: 1
                        stop-timeout: 2s
                """.formatted(dir.resolve("run"), workerFlags.isEmpty() ? workers.binPath("echo")
                : workers.binPath("echo", workerFlags)));
        return config;
    }

    private Map<String, String> status(AdminEndpoint admin, String query) throws Exception {
        HttpResponse<String> response = admin.get("/status" + query);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        return Python.flattenJson(response.body());
    }

    @Test
    void statusShowsTheWorkerItsSessionAndItsCrash() throws Exception {
        sluice = SluiceProcess.start(List.of(), "run", "-c", config("").toString());
        int port = sluice.awaitListening();
        AdminEndpoint admin = AdminEndpoint.of(sluice, TOKEN);

        assertThat(admin.get("/healthz", null).statusCode()).isEqualTo(200);
        HttpResponse<String> anonymous = admin.get("/status", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"sluice\"");
        if (AdminEndpoint.curlInstalled()) {
            assertThat(admin.curl("/readyz")).isEqualTo("200\nready\n");
        }
        await().atMost(WAIT).until(() -> admin.get("/readyz").statusCode() == 200);
        long pid = workers.pids().get(0);

        Map<String, String> doc = status(admin, "");
        assertThat(doc).containsEntry("sluice.pid", Long.toString(sluice.pid()))
                .containsEntry("sluice.ready", "true")
                .containsEntry("sluice.configFile", "\"" + dir.resolve("sluice.yaml") + "\"")
                .containsEntry("hosts[0].kind", "\"pool\"")
                .containsEntry("hosts[0].workers[0].state", "\"running\"")
                .containsEntry("hosts[0].workers[0].pid", Long.toString(pid));

        try (JdkWsClient client = JdkWsClient.connect(URI.create("ws://127.0.0.1:" + port + "/w"))) {
            client.sendBinary(new byte[1000]);
            await().atMost(WAIT).until(() -> client.received().bytes() == 1000);
            Map<String, String> full = status(admin, "?full");
            assertThat(full).containsEntry("routes[0].sessions.open", "1")
                    .containsEntry("hosts[0].workers[0].load", "1")
                    .containsEntry("liveSessions[0].route", "\"/w\"")
                    .containsEntry("liveSessions[0].workerPid", Long.toString(pid))
                    .containsEntry("liveSessions[0].workerId", "0")
                    .containsEntry("liveSessions[0].remoteAddress", "\"127.0.0.1\"")
                    .containsEntry("liveSessions[0].bytesFromClient", "1000");

            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            assertThat(client.closeCode().get(20, TimeUnit.SECONDS)).isEqualTo(1011);
        }
        await().atMost(WAIT).until(() -> {
            Map<String, String> now = status(admin, "");
            return "\"running\"".equals(now.get("hosts[0].workers[0].state"))
                    && !Long.toString(pid).equals(now.get("hosts[0].workers[0].pid"));
        });
        Map<String, String> after = status(admin, "");
        assertThat(after).containsEntry("hosts[0].workers[0].restarts", "1")
                .containsEntry("hosts[0].workers[0].lastExit.pid", Long.toString(pid))
                .containsEntry("hosts[0].workers[0].lastExit.description", "\"killed by SIGKILL\"")
                .containsEntry("hosts[0].workers[0].lastExit.cause", "\"signal\"")
                .containsEntry("hosts[0].workers[0].lastExit.signal", "\"KILL\"")
                .containsEntry("hosts[0].workers[0].lastExit.stop", "\"none\"")
                .containsEntry("hosts[0].spawns", "2")
                .containsEntry("routes[0].sessions.total", "1")
                .containsEntry("routes[0].sessions.open", "0");

        assumeTrue(PrometheusSamples.parserInstalled(), "the Prometheus parser (apt-get install -y "
                + "python3-prometheus-client; .ci/run installs it)");
        HttpResponse<String> scrape = admin.get("/metrics");
        assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/plain; version=0.0.4"));
        PrometheusSamples metrics = PrometheusSamples.parseText(scrape.body());
        assertThat(metrics.value("sluice_worker_exits_total", "route", "/w", "cause", "signal", "signal", "KILL",
                "stop", "none")).isEqualTo(1);
        assertThat(metrics.value("sluice_worker_spawns_total", "route", "/w")).isEqualTo(2);
        assertThat(metrics.value("sluice_worker_restarts_total", "route", "/w")).isEqualTo(1);
        assertThat(metrics.value("sluice_workers", "route", "/w", "state", "running")).isEqualTo(1);
        assertThat(metrics.value("sluice_handshakes_total", "route", "/w", "status", "101")).isEqualTo(1);
        assertThat(metrics.value("sluice_sessions_total", "route", "/w", "code", "1011", "reason", "worker-failed",
                "closed_by", "backend")).isEqualTo(1);
        assertThat(metrics.value("sluice_session_bytes_total", "route", "/w", "direction", "from_client"))
                .isEqualTo(1000);
        assertThat(metrics.value("sluice_sessions_open", "route", "/w")).isZero();
        assertThat(metrics.value("process_files_open_files")).isPositive();
        if (AdminEndpoint.curlInstalled()) {
            String curled = admin.curl("/metrics");
            assertThat(curled).startsWith("200\n");
            PrometheusSamples viaCurl = PrometheusSamples.parseText(curled.substring(4));
            assertThat(viaCurl.value("sluice_worker_spawns_total", "route", "/w")).isEqualTo(2);
        }
    }

    @Test
    void accessLogHasALinePerSessionAndRefusalAndReopensOnSigusr1() throws Exception {
        sluice = SluiceProcess.start(List.of(), "run", "-c", config("").toString());
        int port = sluice.awaitListening();
        AdminEndpoint admin = AdminEndpoint.of(sluice, TOKEN);
        await().atMost(WAIT).until(() -> admin.get("/readyz").statusCode() == 200);
        long pid = workers.pids().get(0);
        Path log = dir.resolve("access.jsonl");

        try (JdkWsClient client = JdkWsClient.connect(URI.create("ws://127.0.0.1:" + port + "/w"))) {
            client.sendBinary(new byte[300]);
            await().atMost(WAIT).until(() -> client.received().bytes() == 300);
            client.close(1000);
            assertThat(client.closeCode().get(20, TimeUnit.SECONDS)).isEqualTo(1000);
        }
        refuse(port, "/nope");
        await().atMost(WAIT).until(() -> Files.exists(log) && Files.readAllLines(log).size() == 2);
        // A session's line is written at its CLOSED, which may come after the next request's refusal.
        List<Map<String, String>> lines = Files.readAllLines(log).stream().map(Python::flattenJson).toList();
        Map<String, String> session = lines.stream().filter(l -> "\"session\"".equals(l.get("event"))).findFirst()
                .orElseThrow();
        Map<String, String> refused = lines.stream().filter(l -> "\"refused\"".equals(l.get("event"))).findFirst()
                .orElseThrow();
        assertThat(session).containsEntry("event", "\"session\"")
                .containsEntry("route", "\"/w\"").containsEntry("workerId", "0")
                .containsEntry("workerPid", Long.toString(pid)).containsEntry("bytesFromClient", "300")
                .containsEntry("bytesToClient", "300").containsEntry("closeCode", "1000")
                .containsEntry("closedBy", "\"client\"");
        assertThat(refused)
                .containsEntry("status", "404").containsEntry("reason", "\"no-route\"");

        Path rotated = dir.resolve("access.jsonl.1");
        Files.move(log, rotated);
        Process usr1 = new ProcessBuilder("kill", "-USR1", Long.toString(sluice.pid())).start();
        assertThat(usr1.waitFor(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(WAIT).until(() -> sluice.stdout().stream().anyMatch(l -> l.contains("reopened")));
        refuse(port, "/nope/again");
        await().atMost(WAIT).until(() -> Files.exists(log) && Files.readAllLines(log).size() == 1);
        assertThat(Files.readAllLines(rotated)).hasSize(2);
        assertThat(sluice.process().isAlive()).isTrue();
    }

    @Test
    void statusCommandReadsTheAdminListenerAndLogsCanBeJsonLines() throws Exception {
        sluice = SluiceProcess.start(List.of(), "run", "--log-format", "json", "-c", config("").toString());
        AdminEndpoint admin = AdminEndpoint.of(sluice, TOKEN);
        await().atMost(WAIT).until(() -> admin.get("/readyz").statusCode() == 200);
        long pid = workers.pids().get(0);

        String listening = sluice.stdout().stream().filter(l -> l.contains("\"listening on ws:")).findFirst()
                .orElseThrow();
        assertThat(Python.flattenJson(listening)).containsEntry("level", "\"INFO\"")
                .hasEntrySatisfying("formattedMessage",
                        m -> assertThat(m).startsWith("\"listening on ws://127.0.0.1:"))
                .containsKeys("timestamp", "threadName", "loggerName", "formattedMessage");
        assertThat(sluice.stdout()).filteredOn(l -> !l.isBlank()).allSatisfy(l -> assertThat(l).startsWith("{"));

        try (SluiceProcess status = SluiceProcess.start(List.of(), "status", "--admin", admin.url(""),
                "--token-file", dir.resolve("admin.token").toString())) {
            assertThat(status.awaitExit(WAIT)).isEqualTo(0);
            assertThat(status.stdout()).anyMatch(l -> l.contains("READY"))
                    .anyMatch(l -> l.matches("/w +\\S+ +pool +0 +running +" + pid + " .*"));
        }
        sluice.terminate();
        assertThat(sluice.awaitExit(WAIT)).isEqualTo(0);
        try (SluiceProcess status = SluiceProcess.start(List.of(), "status", "--admin", admin.url(""))) {
            assertThat(status.awaitExit(WAIT)).isEqualTo(1);
            assertThat(status.stderr()).anyMatch(l -> l.contains("cannot reach the admin listener"));
        }
    }

    private static void refuse(int port, String path) {
        try (JdkWsClient client = JdkWsClient.connect(URI.create("ws://127.0.0.1:" + port + path))) {
            throw new AssertionError("connected to " + path);
        } catch (Exception expected) {
            // 404: no route
        }
    }

    @Test
    void readyzTurns503WhenTheStopBeginsWhileTheAdminListenerStillAnswers() throws Exception {
        sluice = SluiceProcess.start(List.of(), "run", "-c", config("--ignore-sigterm").toString());
        sluice.awaitListening();
        AdminEndpoint admin = AdminEndpoint.of(sluice, TOKEN);
        await().atMost(WAIT).until(() -> admin.get("/readyz").statusCode() == 200);

        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicBoolean polling = new AtomicBoolean(true);
        Thread poller = new Thread(() -> {
            while (polling.get()) {
                try {
                    HttpResponse<String> r = admin.get("/readyz");
                    seen.add(r.statusCode() + " " + r.body().strip());
                } catch (Exception e) {
                    seen.add("unreachable");
                    return;
                }
            }
        }, "readyz-poller");
        poller.start();
        try {
            await().atMost(WAIT).until(() -> seen.size() > 2);
            sluice.terminate();
            assertThat(sluice.awaitExit(WAIT)).isEqualTo(0);
        } finally {
            polling.set(false);
            poller.join(20_000);
        }

        // Ready, then (during the worker's 2 s stop ladder) not ready, then gone: never ready again after a 503.
        assertThat(seen.get(0)).isEqualTo("200 ready");
        int first503 = seen.indexOf("503 not ready: shutting down");
        assertThat(first503).as("responses: %s", seen).isPositive();
        assertThat(seen.subList(first503, seen.size())).allMatch(s -> s.startsWith("503") || s.equals("unreachable"));
    }
}
