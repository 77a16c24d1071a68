package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.client.JdkWsClient;
import io.sluice.it.client.NettyClients;
import io.sluice.it.client.NettyWsClient;
import io.sluice.it.harness.BackendProcess;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import io.sluice.tunnel.server.TunnelServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * permessage-deflate end to end with Netty's client and its {@code WebSocketClientCompressionHandler} (the JDK's
 * {@code java.net.http.WebSocket} offers no extension at all, so it cannot take part): the 101 names the extension,
 * echoes come back byte-exact both ways compressed, a compression bomb ends in 1009 after at most the ratio floor, and
 * while a bomb inflates behind a slow backend the session holds no more than the water mark plus one read.
 */
class CompressionIT {
    /** What {@code SlowReaderIT} allows a session: the high water mark, one read, and per-buffer overhead. */
    private static final long BOUND = TunnelServer.WATER_MARK.high() + 64 * 1024 + 1024;
    private static final int TEN_MB = 10 * 1024 * 1024;

    private SocketDir dir;
    private BackendProcess echo;
    private BackendProcess slow;
    private RunningSluice sluice;
    private NettyClients clients;

    @BeforeEach
    void start() throws Exception {
        dir = new SocketDir();
        echo = BackendProcess.unix(dir.resolve("echo.sock"), "echo");
        slow = BackendProcess.unix(dir.resolve("slow.sock"), "slow-reader");
        sluice = RunningSluice.start(dir.path(), """
                server: { bind: 127.0.0.1, port: 0, compression: true }
                wstunnel:
                  ping-interval: 0
                  server:
                    "/text": [ { socket: echo.sock } ]
                    "/binary": { frame-type: binary, hosts: [ { socket: echo.sock } ] }
                    "/plain": { compression: false, hosts: [ { socket: echo.sock } ] }
                    "/unbounded": { frame-type: binary, hosts: [ { socket: slow.sock } ] }
                """);
        clients = new NettyClients();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (clients != null) {
                clients.close();
            }
            if (sluice != null) {
                sluice.close();
            }
        } finally {
            for (BackendProcess backend : new BackendProcess[] {echo, slow}) {
                if (backend != null) {
                    backend.close();
                }
            }
            if (dir != null) {
                dir.close();
            }
        }
    }

    @Test
    void nettyNegotiatesAndEchoesAreByteExactBothWays() throws Exception {
        try (NettyWsClient client = clients.connect(sluice.uri("/text"), true)) {
            assertThat(client.extensions()).isEqualTo("permessage-deflate");
            CRC32 sent = new CRC32();
            long total = 0;
            for (int i = 0; i < 20; i++) {
                byte[] message = ("{\"seq\": %d, \"text\": \"%s\"}".formatted(i, Payloads.text(20_000, i)))
                        .getBytes(StandardCharsets.UTF_8);
                sent.update(message);
                total += message.length;
                client.sendText(new String(message, StandardCharsets.UTF_8));
            }
            client.awaitBytes(total, Duration.ofSeconds(30));
            assertThat(client.received().bytes()).isEqualTo(total);
            assertThat(client.received().crc()).isEqualTo(sent.getValue());
        }
        try (NettyWsClient client = clients.connect(sluice.uri("/binary"), true)) {
            byte[] noise = Payloads.binary(1_000_000, 7);
            client.sendBinary(noise);
            client.sendBinary(new byte[300_000]);
            client.awaitBytes(1_300_000, Duration.ofSeconds(30));
            CRC32 sent = new CRC32();
            sent.update(noise);
            sent.update(new byte[300_000]);
            assertThat(client.received().crc()).isEqualTo(sent.getValue());
        }
    }

    @Test
    void aRouteWithCompressionOffAndAClientWithoutItStayUncompressed() throws Exception {
        try (NettyWsClient client = clients.connect(sluice.uri("/plain"), true)) {
            assertThat(client.extensions()).isNull();
            client.sendText("still fine");
            client.awaitBytes(10, Duration.ofSeconds(10));
        }
        try (JdkWsClient jdk = JdkWsClient.connect(sluice.uri("/text"), false)) {
            jdk.sendText("no extension offered");
            jdk.awaitBytes(20, Duration.ofSeconds(10));
            assertThat(jdk.received().bytes()).isEqualTo(20);
        }
    }

    @Test
    void aCompressionBombEndsWith1009WithinTheBound() throws Exception {
        try (NettyWsClient client = clients.connect(sluice.uri("/binary"), true)) {
            client.sendBinary(new byte[TEN_MB]); // Netty's encoder makes it ~10 KB on the wire
            assertThat(client.closeCode().get(30, TimeUnit.SECONDS)).isEqualTo(1009);
            assertThat(client.received().bytes()).as("what reached the backend before the refusal")
                    .isLessThanOrEqualTo((1 << 20) + 64 * 1024);
        }
        assertThat(sluice.server().stats().peakPendingBytes()).isLessThanOrEqualTo(BOUND);
    }

    @Test
    void withoutARatioLimitABombStreamsThroughInBoundedMemory() throws Exception {
        sluice.close();
        sluice = RunningSluice.start(dir.path(), """
                server: { bind: 127.0.0.1, port: 0, compression: true, max-inflate-ratio: 0 }
                wstunnel:
                  ping-interval: 0
                  server:
                    "/unbounded": { frame-type: binary, hosts: [ { socket: slow.sock } ] }
                """);
        try (NettyWsClient client = clients.connect(sluice.uri("/unbounded"), true)) {
            client.sendBinary(new byte[TEN_MB]);
            client.awaitBytes(TEN_MB, Duration.ofSeconds(60));
            assertThat(client.received().bytes()).isEqualTo(TEN_MB);
            assertThat(client.received().crc()).isEqualTo(Payloads.crc(new byte[TEN_MB]));
        }
        assertThat(sluice.server().stats().peakPendingBytes()).as("10 MB inflated behind a slow backend")
                .isLessThanOrEqualTo(BOUND);
    }
}
