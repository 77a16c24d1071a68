package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.JdkWsClient;
import io.sluice.it.client.NettyClients;
import io.sluice.it.client.WsClient;
import io.sluice.it.harness.BackendProcess;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** 200 sessions at once, half to a unix and half to a TCP backend, each checked byte for byte. */
class ConcurrentSessionsIT {
    private static final int SESSIONS = 200;
    private static final int MESSAGES = 4;
    private static final int MESSAGE_SIZE = 16 * 1024;

    @Test
    void twoHundredConcurrentSessionsEachGetTheirOwnBytesBack() throws Exception {
        try (SocketDir dir = new SocketDir();
             BackendProcess unixEcho = BackendProcess.unix(dir.resolve("echo.sock"), "echo");
             BackendProcess tcpEcho = BackendProcess.tcp("echo");
             RunningSluice sluice = RunningSluice.start(dir.path(), """
                     server: { bind: 127.0.0.1, port: 0 }
                     wstunnel:
                       frame-type: binary
                       server:
                         "/unix": [ { socket: echo.sock } ]
                         "/tcp": [ { host: 127.0.0.1, port: %d } ]
                     """.formatted(tcpEcho.tcpPort()));
             NettyClients netty = new NettyClients()) {
            List<WsClient> clients = new ArrayList<>();
            List<byte[]> expected = new ArrayList<>();
            try {
                for (int i = 0; i < SESSIONS; i++) {
                    String path = i % 2 == 0 ? "/unix" : "/tcp";
                    clients.add(i % 4 < 2 ? JdkWsClient.connect(sluice.uri(path)) : netty.connect(sluice.uri(path)));
                }
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> sluice.server().stats().activeSessions() == SESSIONS);
                for (int m = 0; m < MESSAGES; m++) {
                    for (int i = 0; i < SESSIONS; i++) {
                        byte[] message = Payloads.binary(MESSAGE_SIZE, i * 1000L + m);
                        if (m == 0) {
                            expected.add(new byte[MESSAGE_SIZE * MESSAGES]);
                        }
                        System.arraycopy(message, 0, expected.get(i), m * MESSAGE_SIZE, MESSAGE_SIZE);
                        clients.get(i).sendBinary(message);
                    }
                }
                for (int i = 0; i < SESSIONS; i++) {
                    WsClient client = clients.get(i);
                    client.awaitBytes((long) MESSAGE_SIZE * MESSAGES, Duration.ofSeconds(60));
                    assertThat(client.received().bytes()).as("session %d bytes", i)
                            .isEqualTo((long) MESSAGE_SIZE * MESSAGES);
                    assertThat(client.received().crc()).as("session %d checksum", i)
                            .isEqualTo(Payloads.crc(expected.get(i)));
                }
            } finally {
                for (WsClient client : clients) {
                    client.close();
                }
            }
        }
    }
}
