package io.sluice.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.spawner.registry.Registry;
import io.sluice.tunnel.config.ServerOptions;
import io.sluice.tunnel.config.SluiceConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code server.tcp-keepalive} as the kernel sees it: {@code /proc/net/tcp[6]} shows a keepalive timer ("tr" 2,
 * "when" in 1/100 s) on the server's end of an idle client connection exactly when the option is on.
 */
class TcpKeepaliveTest {
    private TunnelServer server;
    private Socket client;

    @AfterEach
    void tearDown() throws IOException {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    private InetSocketAddress start(Duration keepalive) throws Exception {
        ServerOptions options = new ServerOptions("127.0.0.1", 0, null, Path.of("/tmp"), 100, Duration.ofSeconds(30),
                Duration.ZERO, 0, Duration.ofSeconds(3), 1, keepalive);
        SluiceConfig config = TestConfigs.config(options, List.of(), TestConfigs.route("/echo/"));
        Registry none = TestRegistry.unavailable("no backends in this test");
        server = new TunnelServer(config, none);
        return server.start();
    }

    /** The "tr:when" field of the server's end of {@code client}, or null while the kernel does not list it yet. */
    private static String serverSideTimer(InetSocketAddress server, Socket client) throws IOException {
        String local = ":%04X".formatted(server.getPort());
        String remote = ":%04X".formatted(client.getLocalPort());
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = new ArrayList<>(Files.readAllLines(Path.of(table)));
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (fields[1].toUpperCase(Locale.ROOT).endsWith(local)
                        && fields[2].toUpperCase(Locale.ROOT).endsWith(remote) && fields[3].equals("01")) {
                    return fields[5];
                }
            }
        }
        return null;
    }

    @Test
    void anIdleClientConnectionCarriesAKeepaliveTimerOfTheConfiguredTime() throws Exception {
        InetSocketAddress at = start(Duration.ofSeconds(7));
        client = new Socket(at.getAddress(), at.getPort());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String timer = serverSideTimer(at, client);
            assertThat(timer).as("server end of the connection").isNotNull().startsWith("02:");
            long hundredths = Long.parseLong(timer.substring(3), 16);
            assertThat(hundredths).isBetween(1L, 700L);
        });
    }

    @Test
    void zeroLeavesKeepaliveOff() throws Exception {
        InetSocketAddress at = start(Duration.ZERO);
        client = new Socket(at.getAddress(), at.getPort());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(serverSideTimer(at, client)).as("server end of the connection").isEqualTo("00:00000000"));
    }
}
