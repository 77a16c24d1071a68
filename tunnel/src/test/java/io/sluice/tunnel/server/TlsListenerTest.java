package io.sluice.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.spawner.spec.BackendAddress;
import io.sluice.testsupport.tls.TestCertificates;
import io.sluice.testsupport.tls.TestCertificates.Issued;
import io.sluice.testsupport.tls.TestCertificates.KeyKind;
import io.sluice.testsupport.tls.TestCertificates.Use;
import io.sluice.tunnel.config.ClientAuth;
import io.sluice.tunnel.config.FrameType;
import io.sluice.tunnel.config.ServerOptions;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.config.TlsOptions;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server with {@code server.tls}: wss round trips with the JDK client, and the TLS handshake bounded by
 * {@code handshake-timeout} and counted against {@code max-connections} like a plain connection's HTTP phase.
 */
class TlsListenerTest {
    private static final Issued ROOT = TestCertificates.ca("Listener root", KeyKind.EC);
    private static final Issued LEAF = TestCertificates.issue(ROOT, "localhost", KeyKind.RSA, Use.SERVER);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .sslContext(TestCertificates.clientContext(ROOT, null)).build();
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

    private InetSocketAddress start(int maxConnections, Duration handshakeTimeout) throws Exception {
        return start(maxConnections, handshakeTimeout, null);
    }

    private InetSocketAddress start(int maxConnections, Duration handshakeTimeout, Path documentRoot)
            throws Exception {
        backend = EchoBackend.tcp();
        TlsOptions tls = new TlsOptions(Path.of("cert.pem"), Path.of("key.pem"), null, ClientAuth.NONE,
                TlsOptions.SUPPORTED_PROTOCOLS, List.of(LEAF.certificate()), LEAF.privateKey(), List.of(), List.of());
        ServerOptions options = new ServerOptions("127.0.0.1", 0, documentRoot, Path.of("/tmp"), maxConnections,
                handshakeTimeout, Duration.ZERO, 0, Duration.ofSeconds(3), 1, Duration.ZERO, tls);
        SluiceConfig config = TestConfigs.config(options, List.of(),
                TestConfigs.route("/echo/", FrameType.BINARY, List.of(), Duration.ZERO, Duration.ZERO));
        server = new TunnelServer(config, TestRegistry.leasing(new BackendAddress.Tcp("127.0.0.1", backend.port())));
        return server.start();
    }

    private WebSocket connect(InetSocketAddress at, TunnelServerTest.Collector collector) throws Exception {
        return http.newWebSocketBuilder().subprotocols("binary")
                .buildAsync(URI.create("wss://127.0.0.1:" + at.getPort() + "/echo/x"), collector)
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void roundTripsRandomBytesExactlyOverWss() throws Exception {
        InetSocketAddress at = start(10, Duration.ofSeconds(10));
        TunnelServerTest.Collector collector = new TunnelServerTest.Collector();
        WebSocket ws = connect(at, collector);
        byte[] data = new byte[1 << 20];
        new Random(7).nextBytes(data);
        for (int off = 0; off < data.length; off += 100_000) {
            ws.sendBinary(ByteBuffer.wrap(data, off, Math.min(100_000, data.length - off)), true)
                    .get(10, TimeUnit.SECONDS);
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> collector.size() == data.length);
        assertThat(collector.all()).isEqualTo(data);
        ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
        assertThat(collector.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1000);
    }

    /**
     * Static files go out with sendfile on plain connections, which would bypass TLS: over TLS the response arrived
     * with its headers and no body (the transfer ended early). Large enough for many chunks and many TLS records.
     */
    @Test
    void servesStaticFilesOverHttpsWholeAndByteExact(@TempDir Path root) throws Exception {
        byte[] body = new byte[300_000];
        new Random(3).nextBytes(body);
        Files.write(root.resolve("big.bin"), body);
        Files.writeString(root.resolve("index.html"), "<p>hello</p>");
        InetSocketAddress at = start(10, Duration.ofSeconds(10), root.toRealPath());
        String base = "https://127.0.0.1:" + at.getPort();

        HttpResponse<byte[]> big = http.send(HttpRequest.newBuilder(URI.create(base + "/big.bin")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<String> index = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(big.statusCode()).isEqualTo(200);
        assertThat(big.body()).isEqualTo(body);
        assertThat(index.body()).isEqualTo("<p>hello</p>");
    }

    @Test
    void aClientThatNeverStartsItsTlsHandshakeIsClosedAfterHandshakeTimeout() throws Exception {
        InetSocketAddress at = start(10, Duration.ofMillis(500));
        try (Socket silent = new Socket("127.0.0.1", at.getPort())) {
            silent.setSoTimeout(10_000);
            long started = System.nanoTime();
            InputStream in = silent.getInputStream();

            assertThat(in.read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aTlsConnectionHoldsItsPlaceUnderMaxConnectionsFromItsAccept() throws Exception {
        InetSocketAddress at = start(1, Duration.ofSeconds(10));
        SSLContext client = TestCertificates.clientContext(ROOT, null);
        try (SSLSocket quiet = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", at.getPort())) {
            quiet.startHandshake(); // done: so the server admitted it, and it sends no request

            assertThatThrownBy(() -> connect(at, new TunnelServerTest.Collector())).isNotNull();
        }
        TunnelServerTest.Collector collector = new TunnelServerTest.Collector();
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> connect(at, collector) != null);
    }
}
