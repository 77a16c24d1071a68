package io.sluice.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.spawner.registry.Registry;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.tunnel.config.FrameType;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.session.CloseReason;
import io.sluice.tunnel.session.Refusal;
import io.sluice.tunnel.session.SessionObserver;
import io.sluice.tunnel.session.SessionRecord;
import io.sluice.tunnel.session.TunnelStats;
import java.io.InputStream;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The one hook of a session's life, with real sockets: opened once after the 101, closed once from the single
 * teardown with the bytes and messages each way, the close code and who closed; refused WebSocket handshakes once
 * each with route and reason; plain HTTP requests are not handshakes and are not reported.
 */
class SessionObserverTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Recorder recorder = new Recorder();
    private TunnelServer server;
    private EchoBackend backend;

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (backend != null) {
            backend.close();
        }
    }

    /** Every event, in order, from the sessions' event loops. */
    static final class Recorder implements SessionObserver {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<SessionRecord> closed = new CopyOnWriteArrayList<>();
        final List<Refusal> refused = new CopyOnWriteArrayList<>();

        @Override
        public void opened(SessionRecord session) {
            events.add("opened " + session.id() + " " + session.route());
        }

        @Override
        public void closed(SessionRecord session) {
            events.add("closed " + session.id());
            closed.add(session);
        }

        @Override
        public void refused(Refusal refusal) {
            events.add("refused " + refusal.status() + " " + refusal.reason() + " route=" + refusal.route());
            refused.add(refusal);
        }
    }

    private InetSocketAddress start(Registry registry) throws Exception {
        SluiceConfig config = TestConfigs.config(TestConfigs.server(null, 100, Duration.ZERO, 0), List.of(),
                TestConfigs.route("/echo/", FrameType.BINARY, List.of(), Duration.ZERO, Duration.ZERO));
        server = new TunnelServer(config, registry, recorder);
        return server.start();
    }

    @Test
    void aSessionIsReportedOnceOpenAndOnceEndedWithItsCounts() throws Exception {
        backend = EchoBackend.tcp();
        BackendAddress address = new BackendAddress.Tcp("127.0.0.1", backend.port());
        InetSocketAddress at = start(TestRegistry.leasing(address));
        TunnelServerTest.Collector collector = new TunnelServerTest.Collector();
        WebSocket ws = http.newWebSocketBuilder().subprotocols("binary")
                .buildAsync(URI.create("ws://127.0.0.1:" + at.getPort() + "/echo/x"), collector)
                .get(10, TimeUnit.SECONDS);
        for (int size : new int[] {10, 200, 3000}) {
            ws.sendBinary(ByteBuffer.allocate(size), true).get(10, TimeUnit.SECONDS);
        }
        await().atMost(WAIT).until(() -> collector.size() == 3210);
        assertThat(server.stats().liveSessions(10)).hasSize(1);
        assertThat(server.stats().route("/echo/").open()).isEqualTo(1);

        ws.sendClose(4321, "bye").get(10, TimeUnit.SECONDS);
        assertThat(collector.closed.get(10, TimeUnit.SECONDS)).isEqualTo(4321);
        await().atMost(WAIT).until(() -> recorder.closed.size() == 1);

        SessionRecord ended = recorder.closed.get(0);
        assertThat(recorder.events).containsExactly("opened " + ended.id() + " /echo/", "closed " + ended.id());
        assertThat(ended.ended()).isTrue();
        assertThat(ended.reason()).isEqualTo(CloseReason.CLIENT_CLOSE);
        assertThat(ended.closeCode()).isEqualTo(4321);
        assertThat(ended.closedBy()).isEqualTo(SessionRecord.ClosedBy.CLIENT);
        assertThat(ended.bytesFromClient()).isEqualTo(3210);
        assertThat(ended.messagesFromClient()).isEqualTo(3);
        assertThat(ended.bytesToClient()).isEqualTo(3210);
        assertThat(ended.messagesToClient()).isBetween(1L, 3210L);
        assertThat(ended.backend()).isEqualTo("test");
        assertThat(ended.workerAddress()).isEqualTo(address.describe());
        assertThat(ended.remoteHost()).isEqualTo("127.0.0.1");
        assertThat(ended.remotePort()).isPositive();
        assertThat(ended.duration()).isPositive();
        assertThat(ended.timeToBackend()).isPositive();
        TunnelStats stats = server.stats();
        assertThat(stats.liveSessions(10)).isEmpty();
        assertThat(stats.route("/echo/").open()).isZero();
        assertThat(stats.route("/echo/").total()).isEqualTo(1);
    }

    @Test
    void refusedHandshakesAreReportedWithRouteAndReasonButPlainRequestsAreNot() throws Exception {
        InetSocketAddress at = start(TestRegistry.unavailable("no backend of route '/echo/' is available"));

        assertThat(exchange(at, upgrade("/nowhere", ""))).startsWith("HTTP/1.1 404");
        assertThat(exchange(at, upgrade("/echo/a", "Sec-WebSocket-Version: 8\r\n"))).startsWith("HTTP/1.1 426");
        assertThat(exchange(at, upgrade("/echo/b", ""))).startsWith("HTTP/1.1 503");
        assertThat(exchange(at, "GET /echo/ HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 404");

        await().atMost(WAIT).until(() -> recorder.refused.size() == 3);
        assertThat(recorder.events).containsExactly("refused 404 no-route route=",
                "refused 426 bad-version route=/echo/", "refused 503 unavailable route=/echo/");
        assertThat(recorder.refused.get(2).text()).isEqualTo("no backend of route '/echo/' is available");
        assertThat(recorder.refused.get(2).remoteHost()).isEqualTo("127.0.0.1");
        assertThat(server.stats().route("/echo/").refusals()).containsEntry("bad-version", 1L)
                .containsEntry("unavailable", 1L).hasSize(2);
        assertThat(server.stats().route(TunnelStats.NO_ROUTE).refusals()).containsEntry("no-route", 1L);
    }

    private static String upgrade(String path, String versionOverride) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + (versionOverride.isEmpty() ? "Sec-WebSocket-Version: 13\r\n" : versionOverride)
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
    }

    private static String exchange(InetSocketAddress at, String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", at.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
