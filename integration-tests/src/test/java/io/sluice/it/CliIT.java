package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.client.JdkWsClient;
import io.sluice.it.harness.BackendProcess;
import io.sluice.it.harness.SluiceProcess;
import io.sluice.it.harness.SocketDir;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The runnable jar as users run it: exit statuses, the listening line, located config errors, graceful SIGTERM. */
class CliIT {

    @Test
    void checkReportsEveryMistakeWithItsLocationAndExits2() throws Exception {
        try (SocketDir dir = new SocketDir()) {
            Path config = dir.resolve("bad.yaml");
            Files.writeString(config, """
                    server:
                      port: 99999
                    wstunnel:
                      balance: random
                      server:
                        "/echo":
                          - socket: echo.sock
                            max_procs: 2
                    """);
            try (SluiceProcess check = SluiceProcess.start(List.of(), "check", "-c", config.toString())) {
                assertThat(check.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
                List<String> located = check.stderr().stream().filter(l -> l.startsWith(config + ":")).toList();
                assertThat(located).hasSize(3);
                assertThat(located.get(0)).startsWith(config + ":2:").contains("server.port");
                assertThat(located.get(1)).startsWith(config + ":4:").contains("wstunnel.balance")
                        .contains("least-connection");
                assertThat(located.get(2)).startsWith(config + ":8:").contains("max_procs").contains("max-procs");
                assertThat(check.stderr()).noneMatch(l -> l.contains("Exception") || l.contains("\tat "));
            }
        }
    }

    @Test
    void checkAcceptsAValidConfigAndExits0() throws Exception {
        try (SocketDir dir = new SocketDir()) {
            Path config = dir.resolve("good.yaml");
            Files.writeString(config, """
                    wstunnel:
                      server:
                        "/echo": [ { socket: echo.sock } ]
                    """);
            try (SluiceProcess check = SluiceProcess.start(List.of(), "check", "-c", config.toString())) {
                assertThat(check.awaitExit(Duration.ofSeconds(30))).isEqualTo(0);
            }
        }
    }

    @Test
    void runLogsTheRealPortTunnelsAndStopsGracefullyOnSigterm() throws Exception {
        try (SocketDir dir = new SocketDir();
             BackendProcess echo = BackendProcess.unix(dir.resolve("echo.sock"), "echo")) {
            Path config = dir.resolve("sluice.yaml");
            Files.writeString(config, """
                    server: { bind: 127.0.0.1, port: 0 }
                    wstunnel:
                      frame-type: binary
                      server:
                        "/echo": [ { socket: echo.sock } ]
                    """);
            try (SluiceProcess sluice = SluiceProcess.start(List.of(), "run", "-c", config.toString())) {
                int port = sluice.awaitListening();
                try (JdkWsClient client = JdkWsClient.connect(URI.create("ws://127.0.0.1:" + port + "/echo"))) {
                    byte[] data = Payloads.binary(100_000, 7);
                    client.sendBinary(data);
                    client.awaitBytes(data.length, Duration.ofSeconds(20));
                    assertThat(client.received().crc()).isEqualTo(Payloads.crc(data));

                    sluice.terminate();
                    assertThat(client.closeCode().get(20, TimeUnit.SECONDS)).isEqualTo(1001);
                    assertThat(sluice.awaitExit(Duration.ofSeconds(30))).isEqualTo(0);
                }
            }
        }
    }

    @Test
    void runExits1WithOneClearLineWhenThePortIsTaken() throws Exception {
        try (SocketDir dir = new SocketDir();
             ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Path config = dir.resolve("sluice.yaml");
            Files.writeString(config, """
                    server: { bind: 127.0.0.1, port: %d }
                    wstunnel:
                      server:
                        "/echo": [ { socket: echo.sock } ]
                    """.formatted(taken.getLocalPort()));
            try (SluiceProcess sluice = SluiceProcess.start(List.of(), "run", "-c", config.toString())) {
                assertThat(sluice.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
                assertThat(String.join("\n", sluice.stdout()) + String.join("\n", sluice.stderr()))
                        .contains(Integer.toString(taken.getLocalPort()));
            }
        }
    }
}
