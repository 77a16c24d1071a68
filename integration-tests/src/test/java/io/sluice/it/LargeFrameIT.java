package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.client.RawWsClient;
import io.sluice.it.client.RawWsClient.Frame;
import io.sluice.it.harness.BackendProcess;
import io.sluice.it.harness.SluiceProcess;
import io.sluice.it.harness.SocketDir;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * One 100 MiB client frame streams through a Sluice whose heap is capped at 48 MiB and whose direct memory at
 * 32 MiB: it can only pass if the frame is forwarded as it arrives, never collected whole (Netty's stock decoder would
 * need the whole frame in memory).
 */
class LargeFrameIT {
    private static final long FRAME = 100L << 20;

    @Test
    void aHundredMebibyteFramePassesThroughABoundedHeap() throws Exception {
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
            try (SluiceProcess sluice = SluiceProcess.start(
                    List.of("-Xmx48m", "-XX:MaxDirectMemorySize=32m", "-XX:+UseSerialGC"),
                    "run", "-c", config.toString());
                 RawWsClient client = new RawWsClient(new InetSocketAddress("127.0.0.1", sluice.awaitListening()))) {
                assertThat(client.upgrade("/echo").status()).isEqualTo(101);
                CompletableFuture<long[]> echoed = CompletableFuture.supplyAsync(() -> readEcho(client));

                CRC32 sent = new CRC32();
                int mask = RawWsClient.randomMask();
                client.writeHeader(0x2, true, FRAME, mask, 0);
                byte[] chunk = new byte[64 * 1024];
                for (long position = 0; position < FRAME; position += chunk.length) {
                    for (int i = 0; i < chunk.length; i++) {
                        chunk[i] = (byte) ((position + i) * 31 >>> 3);
                    }
                    sent.update(chunk);
                    RawWsClient.mask(chunk, mask, position);
                    client.writeRaw(chunk, 0, chunk.length);
                }
                client.flush();

                long[] result = echoed.get(120, TimeUnit.SECONDS);
                assertThat(result[0]).isEqualTo(FRAME);
                assertThat(result[1]).isEqualTo(sent.getValue());
                assertThat(sluice.process().isAlive()).isTrue();
                System.out.println("LargeFrameIT: sluice peak RSS " + peakRss(sluice.pid()));

                sluice.terminate();
                assertThat(sluice.awaitExit(Duration.ofSeconds(30))).isEqualTo(0);
                assertThat(String.join("\n", sluice.stdout())).doesNotContain("OutOfMemoryError");
            }
        }
    }

    private static long[] readEcho(RawWsClient client) {
        CRC32 crc = new CRC32();
        long bytes = 0;
        try {
            while (bytes < FRAME) {
                Frame frame = client.readFrame();
                if (frame.opcode() == 0x8) {
                    break;
                }
                crc.update(frame.payload());
                bytes += frame.payload().length;
            }
        } catch (Exception e) {
            throw new IllegalStateException("reading the echo failed after " + bytes + " bytes", e);
        }
        return new long[] {bytes, crc.getValue()};
    }

    private static String peakRss(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith("VmHWM")).findFirst().orElse("unknown");
        } catch (Exception e) {
            return "unknown";
        }
    }
}
