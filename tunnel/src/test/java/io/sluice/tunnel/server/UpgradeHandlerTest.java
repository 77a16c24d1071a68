package io.sluice.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.tunnel.config.ExtensionMapping;
import io.sluice.tunnel.config.FrameType;
import io.sluice.tunnel.config.KeyRule;
import io.sluice.tunnel.config.KeySource;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.session.BackendConnector;
import io.sluice.tunnel.session.TunnelStats;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UpgradeHandlerTest {
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final BackendAddress ADDRESS = new BackendAddress.Tcp("127.0.0.1", 9);

    private final List<EmbeddedChannel> backends = new ArrayList<>();
    private final AtomicInteger connects = new AtomicInteger();

    @AfterEach
    void closeBackends() {
        backends.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private final BackendConnector acceptingConnector = (client, lease, handler) -> {
        connects.incrementAndGet();
        EmbeddedChannel backend = new EmbeddedChannel(handler);
        backend.config().setAutoRead(false);
        backends.add(backend);
        return backend.newSucceededFuture();
    };

    private final BackendConnector refusingConnector = (client, lease, handler) -> {
        connects.incrementAndGet();
        return client.newFailedFuture(new ConnectException("Connection refused: /127.0.0.1:9"));
    };

    private static ServerContext context(SluiceConfig config, TestRegistry registry, BackendConnector connector) {
        return new ServerContext(config, new RouteTable(config), null, registry, connector,
                new TunnelStats(), new ConnectionCap(config.server().maxConnections()));
    }

    private static EmbeddedChannel client(ServerContext context) {
        return new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(8192), new UpgradeHandler(context));
    }

    static String upgrade(String path, String... extraHeaders) {
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: Example.COM:8080\r\n"
                + "Upgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n");
        boolean version = false;
        boolean key = false;
        for (String header : extraHeaders) {
            version |= header.startsWith("Sec-WebSocket-Version");
            key |= header.startsWith("Sec-WebSocket-Key");
            request.append(header).append("\r\n");
        }
        if (!version) {
            request.append("Sec-WebSocket-Version: 13\r\n");
        }
        if (!key) {
            request.append("Sec-WebSocket-Key: ").append(KEY).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    static String exchange(EmbeddedChannel ch, String request) {
        ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        ch.runPendingTasks();
        return written(ch);
    }

    /** Everything the channel wrote so far, as text. */
    static String written(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        for (Object msg; (msg = ch.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) msg;
            out.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return out.toString();
    }

    @Test
    void answers404WhenNoRouteMatchesBeforeTouchingTheRegistry() {
        TestRegistry registry = TestRegistry.leasing(ADDRESS);
        EmbeddedChannel ch = client(context(TestConfigs.config(TestConfigs.route("/echo/")), registry,
                acceptingConnector));
        String response = exchange(ch, upgrade("/other"));
        assertThat(response).startsWith("HTTP/1.1 404 Not Found\r\n")
                .contains("content-type: text/plain; charset=utf-8").contains("connection: close")
                .endsWith("no WebSocket route for this path\n");
        assertThat(registry.events).isEmpty();
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void answers400WhenOriginIsMissingAnd403WhenNotAllowed() {
        TestRegistry registry = TestRegistry.leasing(ADDRESS);
        var route = TestConfigs.route("/echo/", FrameType.TEXT, List.of("https://app.example.com"), Duration.ZERO,
                Duration.ZERO);
        SluiceConfig config = TestConfigs.config(route);
        EmbeddedChannel missing = client(context(config, registry, acceptingConnector));
        assertThat(exchange(missing, upgrade("/echo/"))).startsWith("HTTP/1.1 400 Bad Request\r\n")
                .endsWith("missing Origin header\n");
        EmbeddedChannel wrong = client(context(config, registry, acceptingConnector));
        assertThat(exchange(wrong, upgrade("/echo/", "Origin: https://evil.example.net")))
                .startsWith("HTTP/1.1 403 Forbidden\r\n").contains("connection: close");
        assertThat(registry.events).isEmpty();
        assertThat(missing.finish()).isFalse();
        assertThat(wrong.finish()).isFalse();
    }

    @Test
    void answers426WithVersionHeaderWhenVersionIsNot13() {
        TestRegistry registry = TestRegistry.leasing(ADDRESS);
        EmbeddedChannel ch = client(context(TestConfigs.config(TestConfigs.route("/echo/")), registry,
                acceptingConnector));
        String response = exchange(ch, upgrade("/echo/", "Sec-WebSocket-Version: 13, 8"));
        assertThat(response).startsWith("HTTP/1.1 426 Upgrade Required\r\n")
                .contains("sec-websocket-version: 13\r\n").contains("connection: close");
        assertThat(registry.events).isEmpty();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void answers400WhenKeyIsNotBase64OfSixteenBytes() {
        TestRegistry registry = TestRegistry.leasing(ADDRESS);
        EmbeddedChannel ch = client(context(TestConfigs.config(TestConfigs.route("/echo/")), registry,
                acceptingConnector));
        String response = exchange(ch, upgrade("/echo/", "Sec-WebSocket-Key: c2hvcnQ="));
        assertThat(response).startsWith("HTTP/1.1 400 Bad Request\r\n")
                .endsWith("missing or malformed Sec-WebSocket-Key\n");
        assertThat(registry.events).isEmpty();
        assertThat(connects).hasValue(0);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void answers400ForARepeatedHandshakeHeaderAndForAMissingOrRepeatedHost() {
        TestRegistry registry = TestRegistry.leasing(ADDRESS);
        SluiceConfig config = TestConfigs.config(TestConfigs.route("/echo/"));
        List<String> requests = List.of(
                upgrade("/echo/", "Sec-WebSocket-Key: " + KEY, "Sec-WebSocket-Key: " + KEY),
                upgrade("/echo/", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 13"),
                upgrade("/echo/", "Origin: https://a.example", "Origin: https://b.example"),
                upgrade("/echo/", "Host: other.example"),
                upgrade("/echo/").replace("Host: Example.COM:8080\r\n", ""),
                "GET /index.html HTTP/1.1\r\n\r\n");
        List<String> reasons = List.of("more than one sec-websocket-key header",
                "more than one sec-websocket-version header", "more than one origin header",
                "more than one Host header", "missing Host header", "missing Host header");
        for (int i = 0; i < requests.size(); i++) {
            EmbeddedChannel ch = client(context(config, registry, acceptingConnector));
            assertThat(exchange(ch, requests.get(i))).as(requests.get(i))
                    .startsWith("HTTP/1.1 400 Bad Request\r\n").endsWith(reasons.get(i) + "\n");
            assertThat(ch.finish()).isFalse();
        }
        assertThat(registry.events).isEmpty();
        EmbeddedChannel http10 = client(context(config, registry, acceptingConnector));
        assertThat(exchange(http10, "GET /index.html HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.1 404 Not Found");
        assertThat(http10.finish()).isFalse();
    }

    @Test
    void answers503WithTheRegistrysReasonWhenNoBackendIsAvailable() {
        TestRegistry registry = TestRegistry.unavailable("all 2 backends of /echo/ are disabled");
        EmbeddedChannel ch = client(context(TestConfigs.config(TestConfigs.route("/echo/")), registry,
                acceptingConnector));
        String response = exchange(ch, upgrade("/echo/"));
        assertThat(response).startsWith("HTTP/1.1 503 Service Unavailable\r\n")
                .contains("connection: close").endsWith("all 2 backends of /echo/ are disabled\n");
        assertThat(connects).hasValue(0);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void answersWithTheStatusTheRegistryGivesSuchAs429ForAKeyOverItsSessionCap() {
        TestRegistry registry = TestRegistry.refusing(429,
                "route /echo/: this key has 8 sessions (max-sessions-per-key)");
        EmbeddedChannel ch = client(context(TestConfigs.config(TestConfigs.route("/echo/")), registry,
                acceptingConnector));
        String response = exchange(ch, upgrade("/echo/"));
        assertThat(response).startsWith("HTTP/1.1 429 Too Many Requests\r\n")
                .endsWith("route /echo/: this key has 8 sessions (max-sessions-per-key)\n");
        assertThat(connects).hasValue(0);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void passesAFreshSessionIdAndNoKeyOnARouteWithoutPerKeyHosts() {
        TestRegistry registry = TestRegistry.leasing(ADDRESS);
        ServerContext context = context(TestConfigs.config(TestConfigs.route("/echo/")), registry, acceptingConnector);
        EmbeddedChannel first = client(context);
        EmbeddedChannel second = client(context);
        exchange(first, upgrade("/echo/"));
        exchange(second, upgrade("/echo/"));
        assertThat(registry.requests).hasSize(2).allSatisfy(r -> {
            assertThat(r.key()).isNull();
            assertThat(r.environment().get()).isEmpty();
        });
        assertThat(registry.requests.get(0).sessionId()).isNotEqualTo(registry.requests.get(1).sessionId());
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
    }

    /** One id per session: what the spawner is told is what operators see (/status, the access log). */
    @Test
    void theSessionIdInTheRequestIsTheSessionsOwn() {
        TestRegistry registry = TestRegistry.leasing(ADDRESS);
        ServerContext context = context(TestConfigs.config(TestConfigs.route("/echo/")), registry, acceptingConnector);
        EmbeddedChannel ch = client(context);
        exchange(ch, upgrade("/echo/"));
        assertThat(context.stats().liveSessions(10)).singleElement()
                .satisfies(s -> assertThat(s.id()).isEqualTo(registry.requests.get(0).sessionId()));
        assertThat(registry.requests.get(0).sessionId()).matches("[0-9a-f]{8}-[0-9a-z]+");
        ch.finishAndReleaseAll();
    }

    /**
     * A per-connection route's request carries its program's CGI variables, taken from the request before it is
     * released and encoded only when the spawner asks; the session id is the session's.
     */
    @Test
    void aPerConnectionRouteGivesTheSpawnerTheProgramsCgiVariables() {
        TestRegistry registry = TestRegistry.leasing(ADDRESS);
        ServerContext context = context(TestConfigs.config(TestConfigs.perConnectionRoute("/count/", false)),
                registry, acceptingConnector);
        EmbeddedChannel ch = client(context);
        exchange(ch, upgrade("/count/room%20a?x=1", "Cookie: secret=1", "X-Trace: a\u00e9b"));

        List<String> env = registry.requests.get(0).environment().get().stream()
                .map(e -> new String(e, StandardCharsets.ISO_8859_1)).toList();
        assertThat(env).contains("GATEWAY_INTERFACE=CGI/1.1", "REQUEST_METHOD=GET",
                "REQUEST_URI=/count/room%20a?x=1", "SCRIPT_NAME=/count", "PATH_INFO=/room a", "QUERY_STRING=x=1",
                "SERVER_NAME=Example.COM", "HTTP_HOST=Example.COM:8080", "HTTP_X_TRACE=a\u00e9b",
                "SLUICE_ROUTE=/count/", "SLUICE_SESSION_ID=" + registry.requests.get(0).sessionId());
        assertThat(env).noneMatch(e -> e.startsWith("HTTP_COOKIE="));
        ch.finishAndReleaseAll();
    }

    @Test
    void aPerKeyRouteRefusesARequestWithoutAKeyWith400BeforeAnyBackendIsTouched() {
        TestRegistry registry = TestRegistry.leasing(ADDRESS);
        KeyRule rule = new KeyRule(KeySource.parse("header:X-User"), Pattern.compile(KeyRule.DEFAULT_PATTERN), null,
                false);
        ServerContext context = context(TestConfigs.config(TestConfigs.perKeyRoute("/sandbox/", rule)), registry,
                acceptingConnector);
        EmbeddedChannel missing = client(context);
        EmbeddedChannel hostile = client(context);
        EmbeddedChannel good = client(context);

        assertThat(exchange(missing, upgrade("/sandbox/"))).startsWith("HTTP/1.1 400 Bad Request\r\n")
                .endsWith("route /sandbox/: the request has no key (header X-User)\n");
        assertThat(exchange(hostile, upgrade("/sandbox/", "X-User: ../etc"))).startsWith("HTTP/1.1 400 Bad Request")
                .doesNotContain("../etc");
        assertThat(registry.events).isEmpty();
        assertThat(exchange(good, upgrade("/sandbox/", "X-User: alice"))).startsWith("HTTP/1.1 101 ");
        assertThat(registry.requests).singleElement().extracting(r -> r.key()).isEqualTo("alice");
        good.finishAndReleaseAll();
        assertThat(missing.finish()).isFalse();
        assertThat(hostile.finish()).isFalse();
    }

    @Test
    void answers503AfterFiveFailedConnectsReportingEachFailureAndReleasingEachLease() {
        TestRegistry registry = TestRegistry.leasing(ADDRESS);
        EmbeddedChannel ch = client(context(TestConfigs.config(TestConfigs.route("/echo/")), registry,
                refusingConnector));
        String response = exchange(ch, upgrade("/echo/"));
        assertThat(response).startsWith("HTTP/1.1 503 Service Unavailable\r\n")
                .endsWith("route /echo/: no backend accepted a connection after 5 attempts\n")
                .doesNotContain("127.0.0.1").doesNotContain("refused");
        assertThat(connects).hasValue(5);
        assertThat(registry.count("acquire /echo/")).isEqualTo(5);
        assertThat(registry.count("connectFailed")).isEqualTo(5);
        assertThat(registry.count("released")).isEqualTo(5);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void answers503AndClosesAtOnceWithoutReadingWhenMaxConnectionsAreOpen() {
        TestRegistry registry = TestRegistry.leasing(ADDRESS);
        SluiceConfig config = TestConfigs.config(TestConfigs.server(null, 1, Duration.ZERO, 0), List.of(),
                TestConfigs.route("/echo/"));
        ServerContext context = context(config, registry, acceptingConnector);
        EmbeddedChannel first = client(context);
        EmbeddedChannel second = client(context);
        assertThat(written(second)).startsWith("HTTP/1.1 503 Service Unavailable\r\n")
                .endsWith("too many connections\n");
        assertThat(second.isOpen()).isFalse();
        assertThat(registry.events).isEmpty();
        first.close();
        EmbeddedChannel third = client(context);
        assertThat(exchange(third, upgrade("/echo/"))).startsWith("HTTP/1.1 101 Switching Protocols\r\n");
        third.finishAndReleaseAll();
        assertThat(second.finish()).isFalse();
    }

    @Test
    void sends101WithAcceptAndBinarySubprotocolOnlyAfterTheBackendConnected() {
        TestRegistry registry = TestRegistry.leasing(ADDRESS);
        EmbeddedChannel ch = client(context(TestConfigs.config(TestConfigs.route("/echo/")), registry,
                acceptingConnector));
        String response = exchange(ch, upgrade("/echo/x?q=1", "Sec-WebSocket-Protocol: chat, Binary"));
        assertThat(response).startsWith("HTTP/1.1 101 Switching Protocols\r\n")
                .contains("upgrade: websocket").contains("connection: upgrade")
                .contains("sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
                .contains("sec-websocket-protocol: binary");
        assertThat(registry.events).containsExactly("acquire /echo/", "connected");
        assertThat(registry.keys.get(0).path()).isEqualTo("/echo/x");
        assertThat(registry.keys.get(0).authority()).isEqualTo("example.com:8080");
        assertThat(ch.pipeline().get(HttpServerCodec.class)).isNull();
        ch.finishAndReleaseAll();
        assertThat(registry.events).containsExactly("acquire /echo/", "connected", "released");
    }

    /** A masked client frame with a payload under 126 bytes. */
    static byte[] maskedFrame(int opcode, byte[] payload) {
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) (0x80 | opcode);
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        return frame;
    }

    @Test
    void aFrameInTheSameReadAsTheUpgradeRequestReachesTheBackend() {
        TestRegistry registry = TestRegistry.leasing(ADDRESS);
        EmbeddedChannel ch = client(context(TestConfigs.config(TestConfigs.route("/echo/")), registry,
                acceptingConnector));
        byte[] request = upgrade("/echo/").getBytes(StandardCharsets.ISO_8859_1);
        byte[] frame = maskedFrame(0x2, "first".getBytes(StandardCharsets.UTF_8));
        ch.writeInbound(Unpooled.wrappedBuffer(request, frame));
        ch.runPendingTasks();
        assertThat(written(ch)).startsWith("HTTP/1.1 101 Switching Protocols\r\n");
        StringBuilder received = new StringBuilder();
        for (Object msg; (msg = backends.get(0).readOutbound()) != null; ) {
            received.append(((ByteBuf) msg).toString(StandardCharsets.UTF_8));
            ((ByteBuf) msg).release();
        }
        assertThat(received).hasToString("first");
        ch.finishAndReleaseAll();
    }

    @Test
    void routesByExtensionMappingFirstThenFirstMatchingKeyInOrder() {
        SluiceConfig config = TestConfigs.config(TestConfigs.server(null, 10, Duration.ZERO, 0),
                List.of(new ExtensionMapping(".sh", ".cgi")),
                TestConfigs.route("/a"), TestConfigs.route("/a/b"), TestConfigs.route(".cgi"));
        RouteTable routes = new RouteTable(config);
        assertThat(routes.match("/a/b/c").key()).isEqualTo("/a");
        assertThat(routes.match("/abc").key()).isEqualTo("/a");
        assertThat(routes.match("/a/run.sh").key()).isEqualTo(".cgi");
        assertThat(routes.match("/x/run.cgi").key()).isEqualTo(".cgi");
        assertThat(routes.match("/b")).isNull();
        assertThat(RequestPath.of("/a%2Fb%20c+d?x=%00").bytes()).isEqualTo("/a/b c+d");
        assertThat(RequestPath.of("/bad%zz")).isNull();
    }

    @Test
    void matchesRoutesOnThePathWithDotSegmentsResolvedAsLighttpdDoes() {
        assertThat(RequestPath.of("/echo/../bin/").bytes()).isEqualTo("/bin/");
        assertThat(RequestPath.of("/echo/%2e%2E/bin/x?q=/../").bytes()).isEqualTo("/bin/x");
        assertThat(RequestPath.of("/echo%2f..%2fbin").bytes()).isEqualTo("/bin");
        assertThat(RequestPath.of("/a/./b//c/.").bytes()).isEqualTo("/a/b/c/");
        assertThat(RequestPath.of("/../../a/b/..").bytes()).isEqualTo("/a/");
        assertThat(RequestPath.of("/a/.hidden/..b").bytes()).isEqualTo("/a/.hidden/..b");
        TestRegistry registry = TestRegistry.leasing(ADDRESS);
        SluiceConfig config = TestConfigs.config(TestConfigs.route("/echo/"));
        EmbeddedChannel escaping = client(context(config, registry, acceptingConnector));
        assertThat(exchange(escaping, upgrade("/echo/../bin/"))).startsWith("HTTP/1.1 404 Not Found\r\n");
        assertThat(escaping.finish()).isFalse();
        assertThat(registry.events).isEmpty();
        EmbeddedChannel entering = client(context(config, registry, acceptingConnector));
        assertThat(exchange(entering, upgrade("/bin/%2E%2E/echo/x"))).startsWith("HTTP/1.1 101 Switching Protocols");
        assertThat(registry.keys.get(0).path()).isEqualTo("/echo/x");
        entering.finishAndReleaseAll();
    }

    @Test
    void plainRequestWithoutDocumentRootGets404() {
        TestRegistry registry = TestRegistry.leasing(ADDRESS);
        EmbeddedChannel ch = client(context(TestConfigs.config(TestConfigs.route("/echo/")), registry,
                acceptingConnector));
        String response = exchange(ch, "GET /echo/ HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 404 Not Found\r\n");
        assertThat(registry.events).isEmpty();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void closesAConnectionWhoseRequestDoesNotCompleteWithinTheHandshakeTimeout() {
        TestRegistry registry = TestRegistry.leasing(ADDRESS);
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                new UpgradeHandler(context(TestConfigs.config(TestConfigs.route("/echo/")), registry,
                        acceptingConnector)));
        ch.pipeline().fireChannelActive();
        ch.writeInbound(Unpooled.copiedBuffer("GET /echo/ HTTP/1.1\r\nHost: x\r\n", StandardCharsets.US_ASCII));
        ch.advanceTimeBy(9, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.finish()).isFalse();
    }
}
