package io.sluice.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.spawner.spec.BackendAddress;
import io.sluice.testsupport.Python;
import io.sluice.tunnel.accesslog.AccessLog;
import io.sluice.tunnel.config.AccessLogOptions;
import io.sluice.tunnel.config.FrameType;
import io.sluice.tunnel.config.SluiceConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access log of real tunnels: one JSON line per ended session with its counts, and one per refusal. */
class AccessLogSessionsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TunnelServer server;
    private EchoBackend backend;
    private AccessLog log;

    @TempDir
    Path dir;

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (backend != null) {
            backend.close();
        }
        if (log != null) {
            log.close();
        }
    }

    @Test
    void oneLinePerSessionEndAndPerRefusal() throws Exception {
        backend = EchoBackend.tcp();
        Path file = dir.resolve("access.jsonl");
        log = new AccessLog(new AccessLogOptions(file, AccessLogOptions.Format.JSON));
        log.start();
        SluiceConfig config = TestConfigs.config(TestConfigs.server(null, 100, Duration.ZERO, 0), List.of(),
                TestConfigs.route("/echo/", FrameType.BINARY, List.of(), Duration.ZERO, Duration.ZERO));
        server = new TunnelServer(config, TestRegistry.leasing(new BackendAddress.Tcp("127.0.0.1", backend.port())),
                log);
        InetSocketAddress at = server.start();

        TunnelServerTest.Collector collector = new TunnelServerTest.Collector();
        WebSocket ws = http.newWebSocketBuilder().subprotocols("binary")
                .buildAsync(URI.create("ws://127.0.0.1:" + at.getPort() + "/echo/x"), collector)
                .get(10, TimeUnit.SECONDS);
        ws.sendBinary(ByteBuffer.allocate(700), true).get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> collector.size() == 700);
        ws.sendClose(1000, "").get(10, TimeUnit.SECONDS);
        collector.closed.get(10, TimeUnit.SECONDS);
        java.net.http.HttpResponse<String> plain = http.send(java.net.http.HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + at.getPort() + "/echo/x")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).as("not an upgrade: not a refused handshake").isEqualTo(404);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", at.getPort())) {
            socket.getOutputStream().write(("GET /nowhere HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes());
            socket.getInputStream().readAllBytes();
        }
        await().atMost(WAIT).until(() -> log.written() == 2);

        // The session's line is written at its CLOSED, which may come after the next connection's refusal.
        List<Map<String, String>> lines = Files.readAllLines(file).stream().map(Python::flattenJson).toList();
        assertThat(lines).hasSize(2);
        Map<String, String> session = lines.stream().filter(l -> "\"session\"".equals(l.get("event"))).findFirst()
                .orElseThrow();
        Map<String, String> refused = lines.stream().filter(l -> "\"refused\"".equals(l.get("event"))).findFirst()
                .orElseThrow();
        assertThat(session).containsEntry("event", "\"session\"").containsEntry("route", "\"/echo/\"")
                .containsEntry("host", "\"test\"").containsEntry("remoteAddress", "\"127.0.0.1\"")
                .containsEntry("bytesFromClient", "700").containsEntry("bytesToClient", "700")
                .containsEntry("messagesFromClient", "1").containsEntry("closeCode", "1000")
                .containsEntry("closeReason", "\"client-close\"").containsEntry("closedBy", "\"client\"")
                .containsEntry("workerId", "null").containsEntry("workerPid", "null")
                .containsKeys("time", "session", "remotePort", "openedAt", "durationSeconds", "messagesToClient");
        assertThat(refused)
                .containsEntry("status", "404").containsEntry("reason", "\"no-route\"").containsEntry("route", "null");
    }
}
