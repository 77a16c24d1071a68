package io.sluice.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.testsupport.tls.TestCertificates;
import io.sluice.testsupport.tls.TestCertificates.Issued;
import io.sluice.testsupport.tls.TestCertificates.KeyKind;
import io.sluice.testsupport.tls.TestCertificates.Use;
import io.sluice.tunnel.config.ClientAuth;
import io.sluice.tunnel.config.CompressionOptions;
import io.sluice.tunnel.config.FrameType;
import io.sluice.tunnel.config.KeyRule;
import io.sluice.tunnel.config.KeySource;
import io.sluice.tunnel.config.ProxyProtocolOptions;
import io.sluice.tunnel.config.ServerOptions;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.config.TlsOptions;
import io.sluice.tunnel.session.SessionRecord;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@code server.proxy-protocol} on the real listener with real sockets: the client address of a v1 or v2 header
 * (however it is split) is the one the session record, the balance key and the PROXY v2 header towards the backend
 * carry (the echo backend sends that header back, so the test reads what the backend got); LOCAL keeps the peer; a
 * missing, unexpected, malformed or unfinished header closes the connection with a throttled WARN; the header comes
 * before TLS.
 */
class ProxyProtocolListenerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final byte[] V2_SIGNATURE =
            {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final Issued ROOT = TestCertificates.ca("Proxy listener root", KeyKind.EC);
    private static final Issued LEAF = TestCertificates.issue(ROOT, "localhost", KeyKind.EC, Use.SERVER);

    private final SessionObserverTest.Recorder recorder = new SessionObserverTest.Recorder();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private TunnelServer server;
    private EchoBackend backend;
    private TestRegistry registry;

    @BeforeEach
    void watchLog() {
        log.start();
        ((Logger) LoggerFactory.getLogger(ProxyRefusals.class)).addAppender(log);
    }

    @AfterEach
    void tearDown() throws Exception {
        ((Logger) LoggerFactory.getLogger(ProxyRefusals.class)).detachAppender(log);
        if (server != null) {
            server.stop();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private InetSocketAddress start(List<String> accept, Duration handshakeTimeout, boolean tls) throws Exception {
        backend = EchoBackend.tcp();
        registry = TestRegistry.proxying(new BackendAddress.Tcp("127.0.0.1", backend.port()));
        server = new TunnelServer(config(accept, handshakeTimeout, tls), registry, recorder);
        return server.start();
    }

    private static SluiceConfig config(List<String> accept, Duration handshakeTimeout, boolean tls) {
        TlsOptions tlsOptions = !tls ? null : new TlsOptions(Path.of("cert.pem"), Path.of("key.pem"), null,
                ClientAuth.NONE, TlsOptions.SUPPORTED_PROTOCOLS, List.of(LEAF.certificate()), LEAF.privateKey(),
                List.of(), List.of());
        ServerOptions options = new ServerOptions("127.0.0.1", 0, null, Path.of("/tmp"), 100, handshakeTimeout,
                Duration.ZERO, 0, Duration.ofSeconds(3), 1, Duration.ZERO, tlsOptions, CompressionOptions.DEFAULTS,
                ProxyProtocolOptions.of(accept));
        return TestConfigs.config(options, List.of(),
                TestConfigs.route("/echo/", FrameType.BINARY, List.of("https://ok.example"), Duration.ZERO,
                        Duration.ZERO),
                TestConfigs.perKeyRoute("/by-address/", new KeyRule(KeySource.parse("remote-addr"),
                        Pattern.compile(KeyRule.DEFAULT_ADDRESS_PATTERN), null, false)));
    }

    private InetSocketAddress start(List<String> accept) throws Exception {
        return start(accept, Duration.ofSeconds(10), false);
    }

    @Test
    void aV1HeaderFromTheBalancerNamesTheClientForTheRecordTheKeyAndTheBackend() throws Exception {
        InetSocketAddress at = start(List.of("127.0.0.0/8"));
        try (Socket socket = connect(at)) {
            RawWebSocket.write(socket, ascii("PROXY TCP4 203.0.113.9 198.51.100.1 40123 443\r\n"),
                    RawWebSocket.upgradeRequest("/echo/x", "Origin: https://ok.example\r\n"));

            assertThat(RawWebSocket.readHead(socket)).startsWith("HTTP/1.1 101");
            Header sent = Header.parse(RawWebSocket.readBinary(socket, 16));
            assertThat(sent.source()).isEqualTo(new InetSocketAddress("203.0.113.9", 40123));
            assertThat(sent.destination()).isEqualTo(new InetSocketAddress("198.51.100.1", 443));
        }
        SessionRecord record = closedRecord();
        assertThat(record.remoteHost()).isEqualTo("203.0.113.9");
        assertThat(record.remotePort()).isEqualTo(40123);
        assertThat(registry.keys.get(0).clientAddress()).isEqualTo("203.0.113.9");
        assertThat(log.list).isEmpty();
    }

    @Test
    void aRemoteAddrKeyIsTheCarriedClientAddress() throws Exception {
        InetSocketAddress at = start(List.of("127.0.0.1"));
        try (Socket socket = connect(at)) {
            RawWebSocket.write(socket, ascii("PROXY TCP4 203.0.113.50 198.51.100.1 5555 443\r\n"),
                    RawWebSocket.upgradeRequest("/by-address/", ""));

            assertThat(RawWebSocket.readHead(socket)).startsWith("HTTP/1.1 101");
        }
        assertThat(registry.requests).singleElement().extracting(r -> r.key()).isEqualTo("203.0.113.50");
    }

    @Test
    void aV2HeaderSplitIntoSingleBytesWithTheRequestInItsLastPacketCarriesIpv6() throws Exception {
        InetSocketAddress at = start(List.of("127.0.0.1"));
        byte[] header = v2(0x21, 0x21, concat(InetAddress.getByName("2001:db8::7").getAddress(),
                InetAddress.getByName("2001:db8::1").getAddress(), port(50000), port(8443)));
        try (Socket socket = connect(at)) {
            socket.setTcpNoDelay(true);
            for (int i = 0; i < header.length - 1; i++) {
                RawWebSocket.write(socket, new byte[] {header[i]});
            }
            RawWebSocket.write(socket, new byte[] {header[header.length - 1]},
                    RawWebSocket.upgradeRequest("/echo/x", "Origin: https://ok.example\r\n"));

            assertThat(RawWebSocket.readHead(socket)).startsWith("HTTP/1.1 101");
            Header sent = Header.parse(RawWebSocket.readBinary(socket, 16));
            assertThat(sent.source()).isEqualTo(new InetSocketAddress("2001:db8::7", 50000));
        }
        assertThat(closedRecord().remoteHost()).isEqualTo("2001:db8:0:0:0:0:0:7");
    }

    @Test
    void aV2LocalCommandKeepsTheRealPeer() throws Exception {
        InetSocketAddress at = start(List.of("127.0.0.1"));
        try (Socket socket = connect(at)) {
            RawWebSocket.write(socket, v2(0x20, 0x00, new byte[0]),
                    RawWebSocket.upgradeRequest("/echo/x", "Origin: https://ok.example\r\n"));

            assertThat(RawWebSocket.readHead(socket)).startsWith("HTTP/1.1 101");
            Header sent = Header.parse(RawWebSocket.readBinary(socket, 16));
            assertThat(sent.source()).isEqualTo(socket.getLocalSocketAddress());
        }
        assertThat(closedRecord().remotePort()).isNotZero();
    }

    /** An origin refusal (403) and its log line name the client of the header, not the balancer. */
    @Test
    void aRefusedHandshakeBehindTheBalancerNamesTheCarriedClient() throws Exception {
        InetSocketAddress at = start(List.of("127.0.0.1"));
        try (Socket socket = connect(at)) {
            RawWebSocket.write(socket, ascii("PROXY TCP4 203.0.113.77 198.51.100.1 1234 80\r\n"),
                    RawWebSocket.upgradeRequest("/echo/x", "Origin: https://evil.example\r\n"));

            assertThat(RawWebSocket.readHead(socket)).startsWith("HTTP/1.1 403");
        }
        await().atMost(WAIT).until(() -> !recorder.refused.isEmpty());
        assertThat(recorder.refused.get(0).remoteHost()).isEqualTo("203.0.113.77");
        assertThat(recorder.refused.get(0).remotePort()).isEqualTo(1234);
    }

    @Test
    void aBalancerConnectionWithoutAHeaderIsClosedUnansweredAndLoggedOncePerInterval() throws Exception {
        InetSocketAddress at = start(List.of("127.0.0.1"));
        for (int i = 0; i < 3; i++) {
            try (Socket socket = connect(at)) {
                RawWebSocket.write(socket, RawWebSocket.upgradeRequest("/echo/x", ""));

                assertThat(socket.getInputStream().readAllBytes()).isEmpty();
            }
        }
        await().atMost(WAIT).until(() -> warnings().size() == 1 && debugs() == 2);
        assertThat(warnings().get(0)).contains("refused connection from /127.0.0.1:")
                .contains("sent no PROXY protocol header");
        assertThat(registry.events).isEmpty();
    }

    @Test
    void aHeaderFromAnAddressNotListedIsClosedButItsPlainClientsGetIn() throws Exception {
        InetSocketAddress at = start(List.of("192.0.2.0/24"));
        try (Socket socket = connect(at)) {
            RawWebSocket.write(socket, ascii("PROXY TCP4 10.0.0.1 10.0.0.2 1 2\r\n"),
                    RawWebSocket.upgradeRequest("/echo/x", "Origin: https://ok.example\r\n"));

            assertThat(socket.getInputStream().readAllBytes()).isEmpty();
        }
        await().atMost(WAIT).until(() -> warnings().size() == 1);
        assertThat(warnings().get(0)).contains("sent a PROXY protocol header, but its address is not in");

        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("binary")
                .header("Origin", "https://ok.example")
                .buildAsync(URI.create("ws://127.0.0.1:" + at.getPort() + "/echo/x"),
                        new TunnelServerTest.Collector()).get(10, TimeUnit.SECONDS);
        ws.sendBinary(ByteBuffer.wrap(new byte[] {1}), true).get(10, TimeUnit.SECONDS);
        ws.sendClose(1000, "").get(10, TimeUnit.SECONDS);
        assertThat(closedRecord().remoteHost()).isEqualTo("127.0.0.1");
        assertThat(recorder.refused).isEmpty();
    }

    /** A reload changes the balancers for new connections (a new HAProxy host without a restart). */
    @Test
    void aReloadedAcceptListDecidesForNewConnections() throws Exception {
        InetSocketAddress at = start(List.of("192.0.2.0/24"));
        server.reload(config(List.of("127.0.0.1"), Duration.ofSeconds(10), false), () -> registry);

        try (Socket socket = connect(at)) {
            RawWebSocket.write(socket, ascii("PROXY TCP4 203.0.113.9 198.51.100.1 40123 443\r\n"),
                    RawWebSocket.upgradeRequest("/echo/x", "Origin: https://ok.example\r\n"));

            assertThat(RawWebSocket.readHead(socket)).startsWith("HTTP/1.1 101");
        }
        assertThat(closedRecord().remoteHost()).isEqualTo("203.0.113.9");
        assertThat(warnings()).isEmpty();
    }

    @Test
    void aMalformedHeaderIsClosedAndLogged() throws Exception {
        InetSocketAddress at = start(List.of("127.0.0.1"));
        try (Socket socket = connect(at)) {
            RawWebSocket.write(socket, ascii("PROXY TCP4 999.0.0.1 10.0.0.2 1 2\r\n"),
                    RawWebSocket.upgradeRequest("/echo/x", ""));

            assertThat(socket.getInputStream().readAllBytes()).isEmpty();
        }
        await().atMost(WAIT).until(() -> warnings().size() == 1);
        assertThat(warnings().get(0)).contains("sent a malformed PROXY protocol header");
    }

    @Test
    void anUnfinishedHeaderIsBoundedByTheHandshakeTimeout() throws Exception {
        InetSocketAddress at = start(List.of("127.0.0.1"), Duration.ofMillis(500), false);
        try (Socket socket = connect(at)) {
            long started = System.nanoTime();
            RawWebSocket.write(socket, ascii("PROXY TCP4 203.0.113.9"));

            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
    }

    /** The balancer writes the header in the clear and relays the client's TLS after it. */
    @Test
    void theHeaderComesBeforeTheTlsHandshake() throws Exception {
        InetSocketAddress at = start(List.of("127.0.0.1"), Duration.ofSeconds(10), true);
        try (Socket plain = connect(at)) {
            RawWebSocket.write(plain, ascii("PROXY TCP6 2001:db8::9 2001:db8::1 40000 443\r\n"));
            try (SSLSocket tls = (SSLSocket) TestCertificates.clientContext(ROOT, null).getSocketFactory()
                    .createSocket(plain, "localhost", at.getPort(), false)) {
                tls.setSoTimeout(10_000);
                tls.startHandshake();
                RawWebSocket.write(tls, RawWebSocket.upgradeRequest("/echo/x", "Origin: https://ok.example\r\n"));

                assertThat(RawWebSocket.readHead(tls)).startsWith("HTTP/1.1 101");
                Header sent = Header.parse(RawWebSocket.readBinary(tls, 16));
                assertThat(sent.source()).isEqualTo(new InetSocketAddress("2001:db8::9", 40000));
            }
        }
        assertThat(closedRecord().remoteHost()).isEqualTo("2001:db8:0:0:0:0:0:9");
    }

    private SessionRecord closedRecord() {
        await().atMost(WAIT).until(() -> !recorder.closed.isEmpty());
        return recorder.closed.get(0);
    }

    private List<String> warnings() {
        synchronized (log) {
            return log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                    .toList();
        }
    }

    private long debugs() {
        synchronized (log) {
            return log.list.stream().filter(e -> e.getLevel() == Level.DEBUG).count();
        }
    }

    private static Socket connect(InetSocketAddress at) throws Exception {
        Socket socket = new Socket("127.0.0.1", at.getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** A v2 header as section 2.2 of HAProxy's proxy-protocol.txt lays it out. */
    private static byte[] v2(int versionCommand, int familyProtocol, byte[] addresses) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(V2_SIGNATURE);
        out.write(versionCommand);
        out.write(familyProtocol);
        out.writeBytes(port(addresses.length));
        out.writeBytes(addresses);
        return out.toByteArray();
    }

    private static byte[] port(int value) {
        return new byte[] {(byte) (value >> 8), (byte) value};
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Arrays.stream(parts).forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** The addresses of the PROXY v2 header Sluice sent to the backend (TCP over IPv4 or IPv6). */
    record Header(InetSocketAddress source, InetSocketAddress destination) {
        static Header parse(byte[] bytes) throws Exception {
            assertThat(Arrays.copyOf(bytes, 12)).isEqualTo(V2_SIGNATURE);
            int size = bytes[13] == 0x11 ? 4 : 16;
            assertThat((int) bytes[13]).isIn(0x11, 0x21);
            int at = 16;
            InetAddress src = InetAddress.getByAddress(Arrays.copyOfRange(bytes, at, at + size));
            InetAddress dst = InetAddress.getByAddress(Arrays.copyOfRange(bytes, at + size, at + 2 * size));
            int ports = at + 2 * size;
            int srcPort = ((bytes[ports] & 0xff) << 8) | (bytes[ports + 1] & 0xff);
            int dstPort = ((bytes[ports + 2] & 0xff) << 8) | (bytes[ports + 3] & 0xff);
            return new Header(new InetSocketAddress(src, srcPort), new InetSocketAddress(dst, dstPort));
        }
    }
}
