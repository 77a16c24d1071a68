package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.client.JdkWsClient;
import io.sluice.it.harness.BackendProcess;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A backend killed mid-stream ends only its own sessions, with 1011; every other session goes on byte-exact. */
class BackendFailureIT {

    @Test
    void killingOneBackendClosesOnlyItsSessionsWith1011() throws Exception {
        try (SocketDir dir = new SocketDir();
             BackendProcess doomed = BackendProcess.unix(dir.resolve("doomed.sock"), "sink");
             BackendProcess healthy = BackendProcess.tcp("echo");
             RunningSluice sluice = RunningSluice.start(dir.path(), """
                     server: { bind: 127.0.0.1, port: 0 }
                     wstunnel:
                       frame-type: binary
                       server:
                         "/doomed": [ { socket: doomed.sock } ]
                         "/healthy": [ { host: 127.0.0.1, port: %d } ]
                     """.formatted(healthy.tcpPort()))) {
            List<JdkWsClient> doomedClients = new ArrayList<>();
            List<JdkWsClient> healthyClients = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    doomedClients.add(JdkWsClient.connect(sluice.uri("/doomed")));
                    healthyClients.add(JdkWsClient.connect(sluice.uri("/healthy")));
                }
                // The sink never reads, so bytes wait in its socket: its death is a reset, not a clean EOF.
                for (JdkWsClient client : doomedClients) {
                    client.sendBinary(Payloads.binary(256 * 1024, 1));
                }
                byte[] first = Payloads.binary(300_000, 2);
                for (JdkWsClient client : healthyClients) {
                    client.sendBinary(first);
                }

                doomed.kill();

                for (JdkWsClient client : doomedClients) {
                    assertThat(client.closeCode().get(20, TimeUnit.SECONDS)).isEqualTo(1011);
                }
                byte[] second = Payloads.binary(300_000, 3);
                byte[] both = new byte[first.length + second.length];
                System.arraycopy(first, 0, both, 0, first.length);
                System.arraycopy(second, 0, both, first.length, second.length);
                for (JdkWsClient client : healthyClients) {
                    client.sendBinary(second);
                }
                for (JdkWsClient client : healthyClients) {
                    client.awaitBytes(both.length, Duration.ofSeconds(30));
                    assertThat(client.closeCode()).isNotDone();
                    assertThat(client.received().bytes()).isEqualTo(both.length);
                    assertThat(client.received().crc()).isEqualTo(Payloads.crc(both));
                }
            } finally {
                for (JdkWsClient client : doomedClients) {
                    client.close();
                }
                for (JdkWsClient client : healthyClients) {
                    client.close();
                }
            }
        }
    }
}
