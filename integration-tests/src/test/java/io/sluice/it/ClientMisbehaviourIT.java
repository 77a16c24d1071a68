package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.client.RawWsClient;
import io.sluice.it.client.RawWsClient.Frame;
import io.sluice.it.harness.BackendProcess;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Clients that do what well-behaved ones never do, over real sockets: bytes sent before the 101, requests and pings
 * whose answers are never read. Each must cost the server a bounded amount, and lose nothing it owes.
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
                server: { bind: 127.0.0.1, port: 0 }
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
}
