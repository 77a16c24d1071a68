package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.JdkWsClient;
import io.sluice.it.fixture.Pattern;
import io.sluice.it.harness.BackendProcess;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import io.sluice.tunnel.server.TunnelServer;
import java.time.Duration;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * Backpressure as bounded memory, not timing: with 64 MiB waiting behind a slow reader, on either side, the bytes a
 * session holds stay under the write high water mark plus one read, and every byte arrives once the reader drains.
 */
class SlowReaderIT {
    private static final int TOTAL = 64 << 20;
    private static final int MESSAGE = 1 << 20;
    /**
     * The session's write high water mark plus one read of at most 64 KiB, plus bookkeeping: Netty counts 96 bytes
     * per queued buffer on top of the payload, and each frame is a header buffer and a payload buffer.
     */
    private static final long BOUND = TunnelServer.WATER_MARK.high() + 64 * 1024 + 1024;

    @Test
    void aSlowBackendMakesTheSessionStopReadingTheClient() throws Exception {
        try (SocketDir dir = new SocketDir();
             BackendProcess slow = BackendProcess.unix(dir.resolve("slow.sock"), "slow-reader");
             RunningSluice sluice = RunningSluice.start(dir.path(), """
                     server: { bind: 127.0.0.1, port: 0 }
                     wstunnel:
                       frame-type: binary
                       server:
                         "/slow": [ { socket: slow.sock } ]
                     """);
             JdkWsClient client = JdkWsClient.connect(sluice.uri("/slow"))) {
            CRC32 sent = new CRC32();
            for (int offset = 0; offset < TOTAL; offset += MESSAGE) {
                byte[] message = Payloads.binary(MESSAGE, offset);
                sent.update(message);
                client.sendBinary(message);
            }
            client.awaitBytes(TOTAL, Duration.ofSeconds(90));
            assertThat(client.received().bytes()).isEqualTo(TOTAL);
            assertThat(client.received().crc()).isEqualTo(sent.getValue());
            assertThat(sluice.server().stats().peakPendingBytes()).isLessThanOrEqualTo(BOUND);
        }
    }

    @Test
    void aSlowClientMakesTheSessionStopReadingTheBackend() throws Exception {
        try (SocketDir dir = new SocketDir();
             BackendProcess source = BackendProcess.unix(dir.resolve("source.sock"), "source",
                     Integer.toString(TOTAL));
             RunningSluice sluice = RunningSluice.start(dir.path(), """
                     server: { bind: 127.0.0.1, port: 0 }
                     wstunnel:
                       frame-type: binary
                       server:
                         "/source": [ { socket: source.sock } ]
                     """)) {
            JdkWsClient client = JdkWsClient.connect(sluice.uri("/source"));
            try (client) {
                client.pause();
                // The backend has 64 MiB to write; while the client reads nothing, the session must hold only a
                // bounded part of it and leave the rest in the kernel's socket buffers.
                await().atMost(Duration.ofSeconds(20)).during(Duration.ofSeconds(2))
                        .until(() -> sluice.server().stats().peakPendingBytes() <= BOUND);
                assertThat(sluice.server().stats().peakPendingBytes()).isLessThanOrEqualTo(BOUND);
                assertThat(client.received().bytes()).isLessThan(TOTAL);

                client.resume();
                client.awaitBytes(TOTAL, Duration.ofSeconds(90));
                CRC32 expected = new CRC32();
                byte[] chunk = new byte[1 << 16];
                for (int offset = 0; offset < TOTAL; offset += chunk.length) {
                    for (int i = 0; i < chunk.length; i++) {
                        chunk[i] = Pattern.byteAt(offset + i);
                    }
                    expected.update(chunk);
                }
                assertThat(client.received().bytes()).isEqualTo(TOTAL);
                assertThat(client.received().crc()).isEqualTo(expected.getValue());
                // No bound asserted after the resume: when the backend closes, Netty's epoll transport reads what
                // the kernel still holds for that socket at once (at most its receive buffer), whatever AUTO_READ
                // says. Bounded by the kernel, not by the 64 MiB behind it.
            }
        }
    }
}
