package io.sluice.tunnel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.BackendSpec;
import io.sluice.spawner.spec.BalanceKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidConfigTest {
    @TempDir
    Path dir;

    private SluiceConfig load(String yaml) throws IOException, ConfigException {
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file);
    }

    @Test
    void acceptsTheDefaultFramingWrittenOutOnARouteAndAHost() throws Exception {
        SluiceConfig config = load("""
                wstunnel:
                  server:
                    "/echo/":
                      framing: stream
                      hosts:
                        - host: 127.0.0.1
                          port: 9000
                          framing: stream
                """);

        assertThat(config.routes()).singleElement().extracting(RouteSpec::key).isEqualTo("/echo/");
    }

    @Test
    void readsLineFramingFromTheRouteOrFromItsHostsWithA64KiBDefault() throws Exception {
        SluiceConfig config = load("""
                wstunnel:
                  server:
                    "/long/":
                      framing: lines
                      max-line-length: 1MiB
                      hosts:
                        - { host: 127.0.0.1, port: 9000 }
                        - { host: 127.0.0.1, port: 9001, framing: lines }
                    "/short/":
                      - { host: 127.0.0.1, port: 9002, framing: lines }
                      - { host: 127.0.0.1, port: 9003 }
                    "/stream/":
                      - { host: 127.0.0.1, port: 9004 }
                """);

        assertThat(config.route("/long/").orElseThrow().framing()).isEqualTo(MessageFraming.lines(1 << 20));
        assertThat(config.route("/short/").orElseThrow().framing()).isEqualTo(MessageFraming.lines(64 * 1024));
        assertThat(config.route("/stream/").orElseThrow().framing()).isEqualTo(MessageFraming.STREAM);
    }

    @Test
    void servesTheDevConsoleOnlyWhenAskedAndBoundToLoopback() throws Exception {
        String routes = """
                wstunnel:
                  server:
                    "/try/":
                      dev-console: true
                      hosts: [ { host: 127.0.0.1, port: 9000 } ]
                    "/plain/": [ { host: 127.0.0.1, port: 9001 } ]
                """;
        SluiceConfig loopback = load(routes);
        assertThat(loopback.servesDevConsole(loopback.route("/try/").orElseThrow())).isTrue();
        assertThat(loopback.servesDevConsole(loopback.route("/plain/").orElseThrow())).isFalse();
        for (String bind : new String[] {"localhost", "127.0.0.2", "::1"}) {
            SluiceConfig config = load("server: { bind: \"" + bind + "\" }\n" + routes);
            assertThat(config.servesDevConsole(config.route("/try/").orElseThrow())).as(bind).isTrue();
        }
        for (String bind : new String[] {"0.0.0.0", "::", "192.168.1.10"}) {
            SluiceConfig config = load("server: { bind: \"" + bind + "\" }\n" + routes);
            assertThat(config.route("/try/").orElseThrow().devConsole()).isTrue();
            assertThat(config.servesDevConsole(config.route("/try/").orElseThrow())).as(bind).isFalse();
        }
    }

    @Test
    void readsTcpKeepaliveWithA60sDefaultAnd0ForOff() throws Exception {
        String routes = """
                wstunnel:
                  server:
                    "/echo/": [ { host: 127.0.0.1, port: 9000 } ]
                """;
        assertThat(load(routes).server().tcpKeepalive()).isEqualTo(Duration.ofSeconds(60));
        assertThat(load("server: { tcp-keepalive: 2m }\n" + routes).server().tcpKeepalive())
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(load("server: { tcp-keepalive: 0 }\n" + routes).server().tcpKeepalive()).isZero();
    }

    @Test
    void readsTheTransportWithAutoAsTheDefault() throws Exception {
        String routes = """
                wstunnel:
                  server:
                    "/echo/": [ { host: 127.0.0.1, port: 9000 } ]
                """;
        assertThat(load(routes).server().transport()).isEqualTo(TransportPreference.AUTO);
        for (TransportPreference transport : TransportPreference.values()) {
            assertThat(load("server: { transport: %s }\n".formatted(transport.configName()) + routes).server()
                    .transport()).isEqualTo(transport);
        }
    }

    @Test
    void fillsEveryDefaultForAMinimalConfig() throws Exception {
        SluiceConfig config = load("""
                wstunnel:
                  server:
                    "/echo/":
                      - host: 127.0.0.1
                        port: 9000
                """);

        ServerOptions server = config.server();
        assertThat(server.bind()).isEqualTo("127.0.0.1");
        assertThat(server.port()).isEqualTo(8080);
        assertThat(server.documentRoot()).isNull();
        assertThat(server.runtimeDir()).isEqualTo(
                Path.of(System.getProperty("java.io.tmpdir"), "sluice-" + System.getProperty("user.name")));
        assertThat(server.maxConnections()).isEqualTo(10_000);
        assertThat(server.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(server.maxReadIdle()).isEqualTo(Duration.ZERO);
        assertThat(server.maxMessageSize()).isZero();
        assertThat(server.gracefulShutdownTimeout()).isEqualTo(Duration.ofSeconds(8));
        assertThat(config.debug()).isZero();
        assertThat(config.mapExtensions()).isEmpty();
        assertThat(config.file()).isEqualTo(dir.resolve("sluice.yaml"));

        RouteSpec route = config.routes().get(0);
        assertThat(route.key()).isEqualTo("/echo/");
        assertThat(route.isPrefix()).isTrue();
        assertThat(route.frameType()).isEqualTo(FrameType.TEXT);
        assertThat(route.origins().checks()).isFalse();
        assertThat(route.pingInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(route.pongTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(route.backends().balance()).isEqualTo(BalanceKind.LEAST_CONNECTION);
        BackendSpec backend = route.backends().backends().get(0);
        assertThat(backend.address()).isEqualTo(new BackendAddress.Tcp("127.0.0.1", 9000));
        assertThat(backend.name()).isEqualTo("127.0.0.1:9000");
        assertThat(backend.disableTime()).isEqualTo(Duration.ofSeconds(1));
        assertThat(backend.connectTimeout()).isEqualTo(Duration.ofSeconds(8));
        assertThat(backend.hasLaunch()).isFalse();
    }

    @Test
    void readsEveryServerOption() throws Exception {
        Files.createDirectory(dir.resolve("www"));
        SluiceConfig config = load("""
                server:
                  bind: "::1"
                  port: 0
                  document-root: www
                  runtime-dir: run/sluice
                  max-connections: 50
                  handshake-timeout: 2500ms
                  max-read-idle: 5m
                  max-message-size: 16MiB
                  graceful-shutdown-timeout: 1h
                  io-threads: 3
                wstunnel:
                  server:
                    "": [{port: 9000}]
                """);

        ServerOptions server = config.server();
        assertThat(server.bind()).isEqualTo("::1");
        assertThat(server.port()).isZero();
        assertThat(server.documentRoot()).isEqualTo(dir.resolve("www"));
        assertThat(server.runtimeDir()).isEqualTo(dir.resolve("run/sluice"));
        assertThat(server.maxConnections()).isEqualTo(50);
        assertThat(server.handshakeTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(server.maxReadIdle()).isEqualTo(Duration.ofMinutes(5));
        assertThat(server.maxMessageSize()).isEqualTo(16L << 20);
        assertThat(server.gracefulShutdownTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(server.ioThreads()).isEqualTo(3);
        assertThat(server.effectiveIoThreads()).isEqualTo(3);
        assertThat(config.routes().get(0).key()).isEmpty();
        assertThat(config.routes().get(0).matches("/anything")).isTrue();
        assertThat(config.routes().get(0).backends().backends().get(0).address())
                .as("port without host means 127.0.0.1")
                .isEqualTo(new BackendAddress.Tcp("127.0.0.1", 9000));
    }

    @Test
    void ioThreadsDefaultToHalfTheCoresAndAtLeastOne() throws Exception {
        SluiceConfig config = load("""
                wstunnel:
                  server:
                    "": [{port: 9000}]
                """);

        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(config.server().ioThreads()).isZero();
        assertThat(config.server().effectiveIoThreads()).isEqualTo(Math.max(1, cores / 2)).isPositive();
    }

    @Test
    void routeOptionsOverrideTheWstunnelDefaultsAndKeepConfigOrder() throws Exception {
        SluiceConfig config = load("""
                wstunnel:
                  debug: 2
                  balance: round-robin
                  frame-type: binary
                  origins: ["example.com"]
                  ping-interval: 10
                  pong-timeout: 25s
                  map-extensions:
                    ".sh": ".cgi"
                    ".py": "/b/"
                  server:
                    "/b/":
                      - socket: b.sock
                    "/a/":
                      frame-type: text
                      balance: fair
                      origins: ["https://app.example.com"]
                      ping-interval: 0
                      pong-timeout: 0
                      hosts:
                        - socket: sockets/a.sock
                          name: alpha
                          disable-time: 3
                          connect-timeout: 0
                        - host: ::1
                          port: 9001
                    ".cgi":
                      - host: localhost
                        port: 9002
                """);

        assertThat(config.debug()).isEqualTo(2);
        assertThat(config.routes()).extracting(RouteSpec::key).containsExactly("/b/", "/a/", ".cgi");
        assertThat(config.mapExtensions()).containsExactly(
                new ExtensionMapping(".sh", ".cgi"), new ExtensionMapping(".py", "/b/"));

        RouteSpec b = config.route("/b/").orElseThrow();
        assertThat(b.frameType()).isEqualTo(FrameType.BINARY);
        assertThat(b.backends().balance()).isEqualTo(BalanceKind.ROUND_ROBIN);
        assertThat(b.origins().entries()).containsExactly("example.com");
        assertThat(b.pingInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(b.pongTimeout()).isEqualTo(Duration.ofSeconds(25));
        assertThat(b.backends().backends().get(0).address())
                .as("relative socket paths resolve against the config file's folder")
                .isEqualTo(new BackendAddress.UnixPath(dir.resolve("b.sock")));

        RouteSpec a = config.route("/a/").orElseThrow();
        assertThat(a.frameType()).isEqualTo(FrameType.TEXT);
        assertThat(a.backends().balance()).isEqualTo(BalanceKind.LEAST_CONNECTION);
        assertThat(a.origins().allows("https://app.example.com")).isTrue();
        assertThat(a.origins().allows("https://www.example.com")).isFalse();
        assertThat(a.pingInterval()).isZero();
        assertThat(a.pongTimeout()).isZero();
        BackendSpec alpha = a.backends().backends().get(0);
        assertThat(alpha.name()).isEqualTo("alpha");
        assertThat(alpha.address()).isEqualTo(new BackendAddress.UnixPath(dir.resolve("sockets/a.sock")));
        assertThat(alpha.disableTime()).isEqualTo(Duration.ofSeconds(3));
        assertThat(alpha.connectTimeout()).isZero();
        assertThat(a.backends().backends().get(1).name()).isEqualTo("[::1]:9001");

        RouteSpec cgi = config.route(".cgi").orElseThrow();
        assertThat(cgi.isPrefix()).isFalse();
        assertThat(cgi.matches("/x/run.cgi")).isTrue();
    }

    @Test
    void namesTheFileAsGivenInEveryProblem() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "wstunnel:\n  balance: random\n");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

        assertThat(e.getMessage()).isEqualTo(String.join("\n",
                file + ":2:3: wstunnel.server: at least one route is needed",
                file + ":2:12: wstunnel.balance: 'random' is not a balance policy; "
                        + "allowed: fair, least-connection, round-robin, hash, sticky"));
    }

    @Test
    void reportsAMissingFileWithoutAPosition() {
        Path file = dir.resolve("missing.yaml");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

        assertThat(e.problems()).singleElement().extracting(ConfigProblem::format)
                .isEqualTo(file + ": cannot read the file: no such file");
    }
}
