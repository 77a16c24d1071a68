package io.sluice.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.spawner.spec.BackendAddress;
import io.sluice.tunnel.config.FrameType;
import io.sluice.tunnel.config.SluiceConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real sockets: a TunnelServer on 127.0.0.1, in-test echo backends, and the JDK WebSocket client. */
class TunnelServerTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TunnelServer server;
    private EchoBackend backend;
    private Path tempDir;

    @AfterEach
    void tearDown() throws IOException {
        if (server != null) {
            server.stop();
        }
        if (backend != null) {
            backend.close();
        }
        if (tempDir != null) {
            try (var files = Files.walk(tempDir)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    private InetSocketAddress start(BackendAddress address, Path documentRoot) throws Exception {
        return start(address, documentRoot, FrameType.BINARY);
    }

    private InetSocketAddress start(BackendAddress address, Path documentRoot, FrameType type) throws Exception {
        SluiceConfig config = TestConfigs.config(TestConfigs.server(documentRoot, 100, Duration.ZERO, 0),
                List.of(), TestConfigs.route("/echo/", type, List.of(), Duration.ZERO, Duration.ZERO));
        server = new TunnelServer(config, TestRegistry.leasing(address));
        return server.start();
    }

    /** Collects binary messages and the close code. */
    static final class Collector implements WebSocket.Listener {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final StringBuilder text = new StringBuilder();

        @Override
        public synchronized CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            ws.request(1);
            return null;
        }

        synchronized String text() {
            return text.toString();
        }

        @Override
        public synchronized CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            bytes.writeBytes(chunk);
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }

        synchronized int size() {
            return bytes.size();
        }

        synchronized byte[] all() {
            return bytes.toByteArray();
        }
    }

    private WebSocket connect(InetSocketAddress at, Collector collector) throws Exception {
        return http.newWebSocketBuilder().subprotocols("binary")
                .buildAsync(URI.create("ws://127.0.0.1:" + at.getPort() + "/echo/x"), collector)
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void roundTripsRandomBytesExactlyThroughAUnixSocketBackend() throws Exception {
        tempDir = Files.createTempDirectory(Path.of("/tmp"), "sluice");
        Path sock = tempDir.resolve("echo.sock");
        backend = EchoBackend.unix(sock);
        InetSocketAddress at = start(new BackendAddress.UnixPath(sock), null);
        Collector collector = new Collector();
        WebSocket ws = connect(at, collector);
        assertThat(ws.getSubprotocol()).isEqualTo("binary");
        byte[] data = new byte[1 << 20];
        new Random(42).nextBytes(data);
        for (int off = 0; off < data.length; off += 100_000) {
            int len = Math.min(100_000, data.length - off);
            ws.sendBinary(ByteBuffer.wrap(data, off, len), true).get(10, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> collector.size() == data.length);
        assertThat(collector.all()).isEqualTo(data);
        assertThat(server.stats().activeSessions()).isEqualTo(1);
        assertThat(server.stats().peakPendingBytes()).isLessThan(64 * 1024 + 256 * 1024);
        ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
        assertThat(collector.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1000);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().activeSessions() == 0);
    }

    @Test
    void textRouteRoundTripsUtf8AsTextFrames() throws Exception {
        backend = EchoBackend.tcp();
        InetSocketAddress at = start(new BackendAddress.Tcp("127.0.0.1", backend.port()), null, FrameType.TEXT);
        Collector collector = new Collector();
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + at.getPort() + "/echo/"), collector)
                .get(10, TimeUnit.SECONDS);
        String message = "h\u00e9llo w\u00f6rld \u2603 ".repeat(1000);
        ws.sendText(message, true).get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> collector.text().length() == message.length());
        assertThat(collector.text()).isEqualTo(message);
    }

    @Test
    void base64SubprotocolDecodesClientTextAndEncodesBackendBytes() throws Exception {
        backend = EchoBackend.tcp();
        InetSocketAddress at = start(new BackendAddress.Tcp("127.0.0.1", backend.port()), null);
        Collector collector = new Collector();
        WebSocket ws = http.newWebSocketBuilder().subprotocols("base64")
                .buildAsync(URI.create("ws://127.0.0.1:" + at.getPort() + "/echo/"), collector)
                .get(10, TimeUnit.SECONDS);
        assertThat(ws.getSubprotocol()).isEqualTo("base64");
        ws.sendText("aGVsbG8h", true).get(5, TimeUnit.SECONDS); // "hello!"
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.received.get() == 6);
        await().atMost(Duration.ofSeconds(5)).until(() -> collector.text().equals("aGVsbG8h"));
    }

    @Test
    void backendSeesEofOnlyAfterEveryByteTheClientSentBeforeItsClose() throws Exception {
        backend = EchoBackend.tcp();
        InetSocketAddress at = start(new BackendAddress.Tcp("127.0.0.1", backend.port()), null);
        Collector collector = new Collector();
        WebSocket ws = connect(at, collector);
        byte[] data = new byte[200_000];
        ws.sendBinary(ByteBuffer.wrap(data), true).get(5, TimeUnit.SECONDS);
        ws.sendClose(4001, "bye").get(5, TimeUnit.SECONDS);
        assertThat(collector.closed.get(5, TimeUnit.SECONDS)).isEqualTo(4001);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(backend.sawEof).isTrue();
            assertThat(backend.received.get()).isEqualTo(data.length);
        });
    }

    @Test
    void closesWith1011WhenTheBackendResetsMidStream() throws Exception {
        backend = EchoBackend.tcp();
        InetSocketAddress at = start(new BackendAddress.Tcp("127.0.0.1", backend.port()), null);
        Collector collector = new Collector();
        WebSocket ws = connect(at, collector);
        ws.sendBinary(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)), true).get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> collector.size() == 4);
        backend.resetAll();
        assertThat(collector.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1011);
    }

    @Test
    void sendsCloseGoingAwayToEveryClientOnStop() throws Exception {
        backend = EchoBackend.tcp();
        InetSocketAddress at = start(new BackendAddress.Tcp("127.0.0.1", backend.port()), null);
        Collector collector = new Collector();
        WebSocket ws = connect(at, collector);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().activeSessions() == 1);
        server.stop();
        assertThat(collector.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1001);
        assertThat(ws.isInputClosed()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.sawEof.get());
    }

    @Test
    void answers503OverTheWireWhenTheBackendRefusesEveryConnect() throws Exception {
        backend = EchoBackend.tcp();
        int deadPort = backend.port();
        backend.close();
        InetSocketAddress at = start(new BackendAddress.Tcp("127.0.0.1", deadPort), null);
        String response = raw(at, "GET /echo/ HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 503 Service Unavailable\r\n").contains("after 5 attempts");
        backend = null;
    }

    @Test
    void servesStaticFilesAndRefusesTraversalAndSymlinksOutOfTheRoot() throws Exception {
        tempDir = Files.createTempDirectory(Path.of("/tmp"), "sluice");
        Path root = Files.createDirectories(tempDir.resolve("www"));
        Files.writeString(root.resolve("index.html"), "<h1>hi</h1>");
        Files.writeString(root.resolve("app.js"), "let x = 1;");
        Files.writeString(tempDir.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(root.resolve("link.txt"), tempDir.resolve("secret.txt"));
        InetSocketAddress at = start(new BackendAddress.Tcp("127.0.0.1", 9), root);
        String base = "http://127.0.0.1:" + at.getPort();

        HttpResponse<String> index = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.body()).isEqualTo("<h1>hi</h1>");
        assertThat(index.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        HttpResponse<String> js = http.send(HttpRequest.newBuilder(URI.create(base + "/app.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/nope.txt")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/link.txt")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        assertThat(raw(at, "GET /../secret.txt HTTP/1.1\r\nHost: a\r\n\r\n")).startsWith("HTTP/1.1 404");
        assertThat(raw(at, "GET /%2e%2e/secret.txt HTTP/1.1\r\nHost: a\r\n\r\n")).startsWith("HTTP/1.1 404");
        assertThat(raw(at, "GET /..%2fsecret.txt HTTP/1.1\r\nHost: a\r\n\r\n")).startsWith("HTTP/1.1 404");
    }

    /** Sends one raw request on a fresh connection and returns everything until the server closes. */
    private static String raw(InetSocketAddress at, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", at.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
