package io.sluice.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.sluice.tunnel.config.FrameType;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.property.Gen;
import io.sluice.tunnel.property.Property;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Properties of the handshake checks over random header sets: {@link Handshake#check} never throws and gives only
 * its defined verdicts, and a whole request through the real HTTP phase is answered with one of the defined
 * statuses (101 only for a request that passes every check), or, for a head that announces a body, closed by the
 * handshake timeout; every buffer is released.
 */
class HandshakePropertyTest {
    private static final String GOOD_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final SluiceConfig CONFIG = TestConfigs.config(
            TestConfigs.route("/echo", FrameType.TEXT, List.of(), Duration.ZERO, Duration.ZERO),
            TestConfigs.route("/guarded", FrameType.BINARY, List.of("https://app.example"), Duration.ZERO,
                    Duration.ZERO));
    private static final RouteTable ROUTES = new RouteTable(CONFIG);

    /** One header line. */
    record Header(String name, String value) {
    }

    /** A request head: method, target, version and header lines in order (names may repeat). */
    record Head(String method, String target, String version, List<Header> headers) {
        String text() {
            StringBuilder s = new StringBuilder(method + " " + target + " " + version + "\r\n");
            headers.forEach(h -> s.append(h.name()).append(": ").append(h.value()).append("\r\n"));
            return s.append("\r\n").toString();
        }
    }

    @Test
    void checkGivesADefinedVerdictForAnyHeaderSet() {
        Property.forAll(500, HandshakePropertyTest::head, HandshakePropertyTest::checkGivesADefinedVerdict);
    }

    private static void checkGivesADefinedVerdict(Head head) {
        FullHttpRequest request = new DefaultFullHttpRequest(
                head.version().equals("HTTP/1.0") ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1,
                HttpMethod.valueOf(head.method()), head.target());
        head.headers().forEach(h -> request.headers().add(h.name(), h.value()));
        try {
            Handshake.Verdict verdict = Handshake.check(request, ROUTES);
            if (verdict instanceof Handshake.Rejected rejected) {
                assertThat(rejected.status().code()).isIn(400, 403, 404, 426);
            } else if (verdict instanceof Handshake.Accepted accepted) {
                assertThat(Base64.getDecoder().decode(accepted.key())).hasSize(16);
                assertThat(request.headers().get("Sec-WebSocket-Version").trim()).isEqualTo("13");
                assertThat(Handshake.isUpgrade(request)).isTrue();
                assertThat(accepted.subprotocol()).isIn(null, "binary", "base64");
            } else {
                assertThat(verdict).isInstanceOf(Handshake.NotUpgrade.class);
                assertThat(Handshake.isUpgrade(request)).isFalse();
            }
        } finally {
            request.release();
        }
    }

    @Test
    void theHttpPhaseAnswersADefinedStatusAndReleasesEverything() {
        Property.forAll(300, HandshakePropertyTest::head, HandshakePropertyTest::theHttpPhaseAnswersADefinedStatus);
    }

    private static void theHttpPhaseAnswersADefinedStatus(Head head) {
        EmbeddedConnection connection = new EmbeddedConnection(CONFIG);
        byte[] bytes = head.text().getBytes(StandardCharsets.UTF_8);
        connection.read(bytes, 0, bytes.length);
        String response = new String(connection.written(), StandardCharsets.ISO_8859_1);
        if (response.isEmpty()) {
            // a head that announces a body (Content-Length, Transfer-Encoding) waits for it, bounded by the timeout
            assertThat(head.headers()).as("only a request with a body may wait")
                    .anyMatch(h -> h.name().equalsIgnoreCase("Content-Length")
                            || h.name().equalsIgnoreCase("Transfer-Encoding"));
            connection.advance(11);
            assertThat(connection.client.isOpen()).as("closed by handshake-timeout").isFalse();
            assertThat(connection.finish()).as("buffers still referenced").isEmpty();
            assertThat(connection.registry.events).isEmpty();
            return;
        }
        assertThat(response).startsWith("HTTP/1.1 ");
        int status = Integer.parseInt(response.substring(9, 12));
        assertThat(status).isIn(101, 400, 403, 404, 426);
        if (status == 101) {
            assertThat(connection.registry.events).containsExactly("acquire " + routeKey(head), "connected");
            assertThat(connection.client.isOpen()).isTrue();
        } else {
            assertThat(connection.registry.events).as("no backend touched before the checks pass").isEmpty();
            assertThat(connection.client.isOpen()).as("an error response closes the connection").isFalse();
        }
        assertThat(connection.finish()).as("buffers still referenced").isEmpty();
        assertThat(connection.registry.count("released")).isEqualTo(status == 101 ? 1 : 0);
    }

    private static String routeKey(Head head) {
        return ROUTES.match(RequestPath.of(head.target()).bytes()).key();
    }

    // ---- generators ----

    /** Mostly a good upgrade with a few of its headers dropped and odd ones added; sometimes none of them. */
    private static Head head(Gen g) {
        String method = g.weighted(8, 1) == 0 ? "GET" : g.oneOf("POST", "HEAD", "OPTIONS", "PUT");
        String target = g.oneOf("/echo", "/echo/x?q=1", "/guarded", "/other", "/echo%2Fa", "/%zz", "/echo%00",
                "http://h/echo", "*", "/echo#frag", "/gu%61rded");
        String version = g.weighted(8, 1) == 0 ? "HTTP/1.1" : "HTTP/1.0";
        List<Header> base = g.weighted(6, 1) == 0 ? List.of(new Header("Host", "127.0.0.1"),
                new Header("Upgrade", "websocket"), new Header("Connection", "Upgrade"),
                new Header("Sec-WebSocket-Version", "13"), new Header("Sec-WebSocket-Key", GOOD_KEY)) : List.of();
        List<Header> more = g.list(0, 6, () -> header(g));
        List<Integer> dropped = g.list(0, 3, () -> g.between(0, 4));
        List<Header> all = new ArrayList<>();
        for (int i = 0; i < base.size(); i++) {
            if (!dropped.contains(i)) {
                all.add(base.get(i));
            }
        }
        all.addAll(more);
        return new Head(method, target, version, all);
    }

    /** One header line with a name that matters (any case) or not, and a value that is good, odd or wrong. */
    private static Header header(Gen g) {
        String name = g.oneOf("Upgrade", "Connection", "Sec-WebSocket-Version", "Sec-WebSocket-Key",
                "Sec-WebSocket-Protocol", "Origin", "Host", "X-Other", "Content-Length", "Transfer-Encoding");
        String value = g.bool()
                ? g.oneOf("websocket", "WebSocket", "h2c", "websocket, foo", "Upgrade", "keep-alive, Upgrade",
                        "close", "13", " 13 ", "8", "13, 8", "0", GOOD_KEY, " " + GOOD_KEY + " ", "c2hvcnQ=",
                        "AAAAAAAAAAAAAAAAAAAAAAAA", "!!!!!!!!!!!!!!!!!!!!!!==", "binary", "base64", "chat, Binary",
                        "chat, base64, binary", "https://app.example", "https://app.example.evil", "null", "",
                        "chunked", "5", "-1")
                : g.string(' ', '~', 30);
        return new Header(g.bool() ? name.toUpperCase(Locale.ROOT) : name.toLowerCase(Locale.ROOT), value.trim());
    }
}
