package io.sluice.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.status.BackendStatus;
import io.sluice.spawner.status.ExitKey;
import io.sluice.spawner.status.SpawnerStatus;
import io.sluice.spawner.status.WorkerStatus;
import io.sluice.testsupport.PrometheusSamples;
import io.sluice.tunnel.config.FrameType;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.metrics.Scrape;
import io.sluice.tunnel.metrics.SluiceMetrics;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * /metrics after a known sequence (two tunnels with known bytes, two refused handshakes, a spawner status with a
 * crash), read by the official Prometheus client's parsers: the text format, and OpenMetrics strictly.
 */
class MetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TunnelServer server;
    private EchoBackend backend;
    private SluiceMetrics metrics;

    @BeforeEach
    void needsTheParser() {
        assumeThat(PrometheusSamples.parserInstalled()).as("the Prometheus parser (Debian: apt-get install -y "
                + "python3-prometheus-client; .ci/run installs it)").isTrue();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (backend != null) {
            backend.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    @Test
    void countsSessionsBytesRefusalsAndWorkersInBothFormats() throws Exception {
        backend = EchoBackend.tcp();
        SluiceConfig config = TestConfigs.config(TestConfigs.server(null, 100, Duration.ZERO, 0), List.of(),
                TestConfigs.route("/echo/", FrameType.BINARY, List.of(), Duration.ZERO, Duration.ZERO));
        ExitKey segv = new ExitKey(ExitKey.ExitCause.SIGNAL, "SEGV", ExitKey.StopStep.NONE);
        SpawnerStatus status = new SpawnerStatus(List.of(new BackendStatus("/echo/", "test", BackendStatus.Kind.POOL,
                "/run/x.sock", 1, 2, List.of(
                        new WorkerStatus(0, "/run/x.sock-0", WorkerStatus.State.RUNNING, 42, null, 1, 1, null, null,
                                null, () -> 2),
                        new WorkerStatus(1, "/run/x.sock-1", WorkerStatus.State.DEAD, 0, null, 0, 0, null, null, null,
                                () -> 0)), 3, Map.of(segv, 1L))));
        metrics = new SluiceMetrics(config, () -> status);
        server = new TunnelServer(config, TestRegistry.leasing(new BackendAddress.Tcp("127.0.0.1", backend.port())),
                metrics.sessionObserver());
        InetSocketAddress at = server.start();
        metrics.bindTunnel(server.stats(), server.eventLoops());

        session(at, 100, 1000);
        session(at, 2000, 1001);
        refuse(at, "/nowhere");
        refuse(at, "/echo/x");
        await().atMost(WAIT).until(() -> server.stats().totalSessions() == 2 && server.stats().activeSessions() == 0);

        Scrape text = metrics.scrape("text/plain");
        assertThat(text.contentType()).startsWith("text/plain; version=0.0.4");
        check(PrometheusSamples.parseText(text.body()));
        Scrape openMetrics = metrics.scrape("application/openmetrics-text; version=1.0.0,text/plain;q=0.5");
        assertThat(openMetrics.contentType()).startsWith("application/openmetrics-text");
        check(PrometheusSamples.parseOpenMetrics(openMetrics.body()));
    }

    private static void check(PrometheusSamples m) {
        assertThat(m.typeOf("sluice_sessions")).isEqualTo("counter");
        assertThat(m.value("sluice_sessions_total", "route", "/echo/", "code", "1000", "reason", "client-close",
                "closed_by", "client")).isEqualTo(1);
        assertThat(m.value("sluice_sessions_total", "route", "/echo/", "code", "1001", "reason", "client-close"))
                .isEqualTo(1);
        assertThat(m.value("sluice_sessions_open", "route", "/echo/")).isZero();
        assertThat(m.value("sluice_session_bytes_total", "route", "/echo/", "direction", "from_client"))
                .isEqualTo(2100);
        assertThat(m.value("sluice_session_bytes_total", "route", "/echo/", "direction", "to_client"))
                .isEqualTo(2100);
        assertThat(m.value("sluice_session_messages_total", "route", "/echo/", "direction", "from_client"))
                .isEqualTo(2);
        assertThat(m.value("sluice_handshakes_total", "route", "/echo/", "status", "101")).isEqualTo(2);
        assertThat(m.value("sluice_handshakes_total", "route", "", "status", "404")).isEqualTo(1);
        assertThat(m.value("sluice_handshakes_total", "route", "/echo/", "status", "426")).isEqualTo(1);
        assertThat(m.value("sluice_refusals_total", "route", "/echo/", "reason", "bad-version")).isEqualTo(1);
        assertThat(m.typeOf("sluice_backend_connect_seconds")).isEqualTo("histogram");
        assertThat(m.value("sluice_backend_connect_seconds_count", "route", "/echo/")).isEqualTo(2);
        assertThat(m.value("sluice_backend_connect_seconds_bucket", "route", "/echo/", "le", "+Inf")).isEqualTo(2);
        assertThat(m.value("sluice_workers", "route", "/echo/", "host", "test", "state", "running")).isEqualTo(1);
        assertThat(m.value("sluice_workers", "route", "/echo/", "host", "test", "state", "dead")).isEqualTo(1);
        assertThat(m.value("sluice_worker_load", "route", "/echo/", "host", "test")).isEqualTo(2);
        assertThat(m.value("sluice_worker_spawns_total", "route", "/echo/", "host", "test")).isEqualTo(3);
        assertThat(m.value("sluice_worker_restarts_total", "route", "/echo/", "host", "test")).isEqualTo(1);
        assertThat(m.value("sluice_worker_exits_total", "route", "/echo/", "host", "test", "cause", "signal",
                "signal", "SEGV", "stop", "none")).isEqualTo(1);
        assertThat(m.matching("sluice_event_loop_pending_tasks")).hasSize(1);
        assertThat(m.matching("jvm_memory_used_bytes")).isNotEmpty();
        assertThat(m.matching("process_files_open_files")).hasSize(1);
        assertThat(m.matching("jvm_threads_live_threads")).hasSize(1);
    }

    private void session(InetSocketAddress at, int bytes, int closeCode) throws Exception {
        TunnelServerTest.Collector collector = new TunnelServerTest.Collector();
        WebSocket ws = http.newWebSocketBuilder().subprotocols("binary")
                .buildAsync(URI.create("ws://127.0.0.1:" + at.getPort() + "/echo/x"), collector)
                .get(10, TimeUnit.SECONDS);
        ws.sendBinary(ByteBuffer.allocate(bytes), true).get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> collector.size() == bytes);
        ws.sendClose(closeCode, "").get(10, TimeUnit.SECONDS);
        collector.closed.get(10, TimeUnit.SECONDS);
    }

    private static void refuse(InetSocketAddress at, String path) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", at.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.getInputStream().readAllBytes();
        }
    }
}
