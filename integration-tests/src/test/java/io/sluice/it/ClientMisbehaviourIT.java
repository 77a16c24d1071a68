package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.RawWsClient;
import io.sluice.it.client.RawWsClient.Frame;
import io.sluice.it.harness.BackendProcess;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Clients that do what well-behaved ones never do, over real sockets: bytes sent before the 101, connections that
 * never send anything. Each must cost the server a bounded amount, and lose nothing it owes. (Clients that never
 * read their answers are in the tunnel module's {@code NeverReadingClientTest}.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientMisbehaviourIT {
    private SocketDir dir;
    private BackendProcess echo;
    private RunningSluice sluice;

    @BeforeAll
    void start() throws Exception {
        dir = new SocketDir();
        echo = BackendProcess.unix(dir.resolve("echo.sock"), "echo");
        sluice = RunningSluice.start(dir.path(), """
                server: { bind: 127.0.0.1, port: 0, runtime-dir: run }
                wstunnel:
                  server:
                    "/echo": [ { socket: echo.sock } ]
                """);
    }

    @AfterAll
    void stop() throws Exception {
        if (sluice != null) {
            sluice.close();
        }
        if (echo != null) {
            echo.close();
        }
        if (dir != null) {
            dir.close();
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    @Test
    void aFrameSentInTheSamePacketAsTheUpgradeRequestReachesTheBackend() throws Exception {
        for (int i = 0; i < 5; i++) {
            try (RawWsClient client = new RawWsClient(sluice.address())) {
                byte[] payload = ("first " + i).getBytes(StandardCharsets.UTF_8);
                client.writeAtOnce(concat(client.upgradeRequest("/echo"), RawWsClient.maskedFrame(0x1, payload)));
                assertThat(client.readResponse().status()).isEqualTo(101);
                Frame echoed = client.readFrame();
                assertThat(new String(echoed.payload(), StandardCharsets.UTF_8)).isEqualTo("first " + i);
            }
        }
    }

    @Test
    void connectionsBeyondMaxConnectionsAreClosedAtOnceEvenWhenSilent() throws Exception {
        List<Socket> silent = new ArrayList<>();
        try (RunningSluice capped = RunningSluice.start(dir.path(), """
                server: { bind: 127.0.0.1, port: 0, runtime-dir: run-capped, max-connections: 3,
                          handshake-timeout: 60s, io-threads: 1 }
                wstunnel:
                  server:
                    "/echo": [ { socket: echo.sock } ]
                """)) {
            for (int i = 0; i < 3; i++) { // one io thread: admitted in the order they connect
                silent.add(new Socket(capped.address().getAddress(), capped.address().getPort()));
            }
            for (int i = 0; i < 20; i++) {
                try (Socket beyond = new Socket(capped.address().getAddress(), capped.address().getPort())) {
                    beyond.setSoTimeout(10_000); // the handshake timeout is 60 s: only a prompt close passes
                    String answer = new String(beyond.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                    assertThat(answer).startsWith("HTTP/1.1 503 Service Unavailable\r\n")
                            .endsWith("too many connections\n");
                }
            }
            silent.remove(0).close(); // frees a place
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                try (RawWsClient client = new RawWsClient(capped.address())) {
                    assertThat(client.upgrade("/echo").status()).isEqualTo(101);
                }
            });
        } finally {
            for (Socket socket : silent) {
                socket.close();
            }
        }
    }
}
