package io.sluice.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.sluice.tunnel.config.FrameType;
import io.sluice.tunnel.config.SluiceConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

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

    /** A request head: method, target, version and header lines in order (names may repeat). */
    record Head(String method, String target, String version, List<Tuple.Tuple2<String, String>> headers) {
        String text() {
            StringBuilder s = new StringBuilder(method + " " + target + " " + version + "\r\n");
            headers.forEach(h -> s.append(h.get1()).append(": ").append(h.get2()).append("\r\n"));
            return s.append("\r\n").toString();
        }

        @Override
        public String toString() {
            return text().replace("\r\n", "⏎ ");
        }
    }

    @Property(tries = 500)
    void checkGivesADefinedVerdictForAnyHeaderSet(@ForAll("heads") Head head) {
        FullHttpRequest request = new DefaultFullHttpRequest(
                head.version().equals("HTTP/1.0") ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1,
                HttpMethod.valueOf(head.method()), head.target());
        head.headers().forEach(h -> request.headers().add(h.get1(), h.get2()));
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

    @Property(tries = 300)
    void theHttpPhaseAnswersADefinedStatusAndReleasesEverything(@ForAll("heads") Head head) {
        EmbeddedConnection connection = new EmbeddedConnection(CONFIG);
        byte[] bytes = head.text().getBytes(StandardCharsets.UTF_8);
        connection.read(bytes, 0, bytes.length);
        String response = new String(connection.written(), StandardCharsets.ISO_8859_1);
        if (response.isEmpty()) {
            // a head that announces a body (Content-Length, Transfer-Encoding) waits for it, bounded by the timeout
            assertThat(head.headers()).as("only a request with a body may wait")
                    .anyMatch(h -> h.get1().equalsIgnoreCase("Content-Length")
                            || h.get1().equalsIgnoreCase("Transfer-Encoding"));
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

    @Provide
    Arbitrary<Head> heads() {
        Arbitrary<String> method = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just("GET")),
                Tuple.of(1, Arbitraries.of("POST", "HEAD", "OPTIONS", "PUT")));
        Arbitrary<String> target = Arbitraries.of("/echo", "/echo/x?q=1", "/guarded", "/other", "/echo%2Fa",
                "/%zz", "/echo%00", "http://h/echo", "*", "/echo#frag", "/gu%61rded");
        Arbitrary<String> version = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just("HTTP/1.1")),
                Tuple.of(1, Arbitraries.just("HTTP/1.0")));
        Arbitrary<List<Tuple.Tuple2<String, String>>> headers = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(List.of(
                        Tuple.of("Host", "127.0.0.1"), Tuple.of("Upgrade", "websocket"),
                        Tuple.of("Connection", "Upgrade"), Tuple.of("Sec-WebSocket-Version", "13"),
                        Tuple.of("Sec-WebSocket-Key", GOOD_KEY)))),
                Tuple.of(1, Arbitraries.just(List.<Tuple.Tuple2<String, String>>of())));
        Arbitrary<List<Tuple.Tuple2<String, String>>> extra = header().list().ofMaxSize(6);
        Arbitrary<List<Integer>> dropped = Arbitraries.integers().between(0, 4).list().ofMaxSize(3);
        return Combinators.combine(method, target, version, headers, extra, dropped)
                .as((m, t, v, base, more, drop) -> {
                    List<Tuple.Tuple2<String, String>> all = new java.util.ArrayList<>();
                    for (int i = 0; i < base.size(); i++) {
                        if (!drop.contains(i)) {
                            all.add(base.get(i));
                        }
                    }
                    all.addAll(more);
                    return new Head(m, t, v, all);
                });
    }

    /** One header line with a name that matters (any case) or not, and a value that is good, odd or wrong. */
    private static Arbitrary<Tuple.Tuple2<String, String>> header() {
        Arbitrary<String> name = Arbitraries.of("Upgrade", "Connection", "Sec-WebSocket-Version",
                "Sec-WebSocket-Key", "Sec-WebSocket-Protocol", "Origin", "Host", "X-Other", "Content-Length",
                "Transfer-Encoding");
        Arbitrary<Boolean> upper = Arbitraries.of(true, false);
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.of("websocket", "WebSocket", "h2c", "websocket, foo", "Upgrade", "keep-alive, Upgrade",
                        "close", "13", " 13 ", "8", "13, 8", "0", GOOD_KEY, " " + GOOD_KEY + " ", "c2hvcnQ=",
                        "AAAAAAAAAAAAAAAAAAAAAAAA", "!!!!!!!!!!!!!!!!!!!!!!==", "binary", "base64", "chat, Binary",
                        "chat, base64, binary", "https://app.example", "https://app.example.evil", "null", "",
                        "chunked", "5", "-1"),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(30));
        return Combinators.combine(name, upper, value)
                .as((n, u, v) -> Tuple.of(u ? n.toUpperCase(Locale.ROOT) : n.toLowerCase(Locale.ROOT), v.trim()));
    }
}
