package io.sluice.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.tunnel.config.MessageFraming;
import io.sluice.tunnel.config.RouteSpec;
import io.sluice.tunnel.config.ServerOptions;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.session.TunnelStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code dev-console}: the page on plain GETs of the route's paths, only when asked for and bound to loopback. */
class DevConsoleTest {
    private final TestRegistry registry = TestRegistry.leasing(new BackendAddress.Tcp("127.0.0.1", 9));
    private EmbeddedChannel client;

    @AfterEach
    void finish() {
        if (client != null) {
            client.finishAndReleaseAll();
        }
    }

    private static RouteSpec route(String key, boolean devConsole, MessageFraming framing) {
        RouteSpec plain = TestConfigs.route(key);
        return new RouteSpec(key, plain.frameType(), plain.origins(), Duration.ZERO, Duration.ZERO, plain.backends(),
                null, framing, devConsole, null);
    }

    private EmbeddedChannel connect(String bind, RouteSpec... routes) {
        ServerOptions server = new ServerOptions(bind, 0, null, Path.of("/tmp"), 100, Duration.ofSeconds(10),
                Duration.ZERO, 0, Duration.ofSeconds(3), 1, ServerOptions.DEFAULT_TCP_KEEPALIVE);
        SluiceConfig config = TestConfigs.config(server, List.of(), routes);
        ServerContext context = new ServerContext(config, new RouteTable(config), null, registry,
                (ch, lease, handler) -> {
                    throw new AssertionError("a console request never connects a backend");
                }, new TunnelStats(), new ConnectionCap(100));
        client = new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(8192),
                new UpgradeHandler(context));
        return client;
    }

    private static String get(String method, String path) {
        return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n";
    }

    @Test
    void aPlainGetOfAnyPathOfTheRouteGetsThePageNamingTheRouteAndItsFraming() {
        EmbeddedChannel ch = connect("127.0.0.1", route("/try/", true, MessageFraming.lines(1024)),
                route("/plain/", false, MessageFraming.STREAM));

        String page = UpgradeHandlerTest.exchange(ch, get("GET", "/try/room?name=x"));

        assertThat(page).startsWith("HTTP/1.1 200 OK\r\n")
                .contains("content-type: text/html; charset=utf-8\r\n")
                .contains("cache-control: no-store\r\n")
                .contains("Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; "
                        + "script-src 'unsafe-inline'; connect-src 'self'")
                .contains("<title>Sluice dev console: /try/</title>")
                .contains("data-route=\"/try/\" data-framing=\"lines\"")
                .doesNotContain("{{");
        assertThat(ch.isOpen()).as("keep-alive").isTrue();
        assertThat(UpgradeHandlerTest.exchange(ch, get("HEAD", "/try/"))).startsWith("HTTP/1.1 200 OK\r\n")
                .endsWith("\r\n\r\n");
        assertThat(UpgradeHandlerTest.exchange(ch, get("GET", "/plain/"))).startsWith("HTTP/1.1 404 Not Found");
        assertThat(registry.events).isEmpty();
    }

    @Test
    void notServedWhenTheServerListensBeyondLoopback() {
        EmbeddedChannel ch = connect("0.0.0.0", route("/try/", true, MessageFraming.STREAM));

        assertThat(UpgradeHandlerTest.exchange(ch, get("GET", "/try/"))).startsWith("HTTP/1.1 404 Not Found");
    }

    @Test
    void otherMethodsAreNotTheConsole() {
        EmbeddedChannel ch = connect("127.0.0.1", route("/try/", true, MessageFraming.STREAM));

        assertThat(UpgradeHandlerTest.exchange(ch, "POST /try/ HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"))
                .startsWith("HTTP/1.1 404 Not Found");
    }

    @Test
    void theRouteKeyIsEscapedInThePage() {
        EmbeddedChannel ch = connect("::1", route("/<b>\"'&/", true, MessageFraming.STREAM));

        String page = UpgradeHandlerTest.exchange(ch, get("GET", "/%3Cb%3E%22'&/"));

        assertThat(page).startsWith("HTTP/1.1 200 OK\r\n").contains("/&lt;b&gt;&quot;&#39;&amp;/")
                .doesNotContain("<b>");
    }
}
