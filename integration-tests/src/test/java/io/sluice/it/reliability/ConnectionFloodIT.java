package io.sluice.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.RawWsClient;
import io.sluice.it.harness.BackendProcess;
import io.sluice.it.harness.CaseFamily;
import io.sluice.it.harness.Evidence;
import io.sluice.it.harness.JvmProbe;
import io.sluice.it.harness.MemorySample;
import io.sluice.it.harness.Observed;
import io.sluice.it.harness.ReliabilityCase;
import io.sluice.it.harness.SluiceProcess;
import io.sluice.it.harness.SocketDir;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 10,000 connections opened at once against the real jar, each sending half a request and then nothing. Sluice must
 * accept them all (max-connections allows it), stay responsive to an ordinary client meanwhile, hold them in bounded
 * memory with one descriptor and no thread each, and close every one at handshake-timeout, after which its
 * descriptors and heap are back where they were. The test JVM holds 10,000 sockets too: CI raises
 * {@code ulimit -n} to 20,000 ({@code .ci/run}).
 */
@ExtendWith(Evidence.class)
class ConnectionFloodIT {
    private static final int FLOOD = 10_000;
    private static final int OPENERS = 8;
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(12);
    /** Per connection in the HTTP phase: Netty's channel, pipeline, HTTP codec with half a request, our handler. */
    private static final long HEAP_PER_CONNECTION = 16 * 1024;
    private static final long DIRECT_BOUND = 64L << 20;

    private SocketDir dir;
    private final List<SocketChannel> flood = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void makeDir() throws Exception {
        dir = new SocketDir();
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (SocketChannel channel : flood) {
            channel.close();
        }
        dir.close();
    }

    private static long openFilesLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                return Long.parseLong(line.substring(26).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    @Test
    @ReliabilityCase(id = "abuse.connection-flood", family = CaseFamily.ABUSE,
            title = "10,000 connections opened at once, each sending half a request")
    void tenThousandConnectionsAtOnceAreHeldInBoundedMemoryAndAllClosedAtTheHandshakeTimeout(Observed observed)
            throws Exception {
        assumeThat(openFilesLimit()).as("open files limit of the test JVM (ulimit -n 20000 in CI)")
                .isGreaterThan(FLOOD + 2_000);
        try (BackendProcess echo = BackendProcess.unix(dir.resolve("echo.sock"), "echo")) {
            Path config = dir.resolve("sluice.yaml");
            Files.writeString(config, """
                    server: { bind: 127.0.0.1, port: 0, max-connections: %d, handshake-timeout: %ds }
                    wstunnel:
                      server:
                        "/echo": [ { socket: %s } ]
                    """.formatted(FLOOD + 100, HANDSHAKE_TIMEOUT.toSeconds(), dir.resolve("echo.sock")));
            try (SluiceProcess sluice = SluiceProcess.start(List.of(JvmProbe.NMT), "run", "-c", config.toString());
                 JvmProbe probe = JvmProbe.attach(sluice.pid())) {
                InetSocketAddress address = new InetSocketAddress("127.0.0.1", sluice.awaitListening());
                try (RawWsClient warmUp = new RawWsClient(address)) {
                    assertThat(warmUp.upgrade("/echo").status()).isEqualTo(101);
                }
                MemorySample before = probe.sample();

                long openedAt = System.nanoTime();
                open(address);
                Duration opening = Duration.ofNanos(System.nanoTime() - openedAt);
                // Otherwise the first connections reach their handshake-timeout before the last ones arrive and
                // "all held at once" below can never be seen: the listener's accept queue must absorb the burst.
                assertThat(opening).as("time for 10,000 connects (each overflow of Sluice's accept queue costs its"
                        + " client a one-second SYN retransmit)").isLessThan(HANDSHAKE_TIMEOUT.dividedBy(2));
                await().atMost(Duration.ofSeconds(30)).until(() -> probe.fds() >= before.fds() + FLOOD);
                MemorySample holding = probe.sample().minus(before);
                Duration served;
                try (RawWsClient client = new RawWsClient(address)) {
                    long start = System.nanoTime();
                    assertThat(client.upgrade("/echo").status()).as("an ordinary client during the flood")
                            .isEqualTo(101);
                    client.sendFrame(0x1, true, "still here".getBytes(StandardCharsets.UTF_8), true);
                    assertThat(new String(client.readFrame().payload(), StandardCharsets.UTF_8))
                            .isEqualTo("still here");
                    served = Duration.ofNanos(System.nanoTime() - start);
                }
                assertThat(holding.heapAfterGc()).isLessThan(FLOOD * HEAP_PER_CONNECTION);
                assertThat(holding.direct()).isLessThan(DIRECT_BOUND);
                assertThat(holding.threads()).as("no thread per connection").isLessThanOrEqualTo(4);

                await().atMost(HANDSHAKE_TIMEOUT.plus(Duration.ofSeconds(30))).pollInterval(Duration.ofMillis(500))
                        .until(() -> probe.fds() <= before.fds() + 2);
                Duration allClosed = Duration.ofNanos(System.nanoTime() - openedAt);
                int notClosed = 0;
                ByteBuffer one = ByteBuffer.allocate(1);
                for (SocketChannel channel : flood) {
                    channel.configureBlocking(false);
                    try {
                        one.clear();
                        notClosed += channel.read(one) == -1 ? 0 : 1;
                    } catch (IOException reset) {
                        // closed by the server as well
                    }
                }
                assertThat(notClosed).as("connections the server did not end").isZero();
                MemorySample after = probe.sample().minus(before);
                assertThat(after.heapAfterGc()).as("heap back after the flood").isLessThan(8L << 20);
                sluice.terminate();
                assertThat(sluice.awaitExit(Duration.ofSeconds(30))).isZero();

                observed.outcome(("all %,d connections were accepted and held (one descriptor each, no thread), an"
                        + " ordinary client was served during the flood, every one was closed by handshake-timeout,"
                        + " and descriptors and heap went back to where they were.").formatted(FLOOD))
                        .bound("server.max-connections", "how many are held at once (10,100 here)")
                        .bound("server.handshake-timeout", "how long each is held without a whole request")
                        .bound("fixed", "< 16 KiB heap after GC per connection in the HTTP phase; direct memory"
                                + " < 64 MiB for all of them")
                        .measured("opening 10,000", opening.toMillis() + " ms")
                        .measured("Sluice growth holding them", "heap " + MemorySample.mib(holding.heapAfterGc())
                                + " (" + holding.heapAfterGc() / FLOOD + " B each), direct "
                                + MemorySample.mib(holding.direct()) + ", " + holding.fds() + " fds, "
                                + holding.threads() + " threads")
                        .measured("ordinary session during the flood", served.toMillis() + " ms")
                        .measured("all closed after", allClosed.toMillis() + " ms")
                        .measured("heap after, vs before", MemorySample.mib(after.heapAfterGc()));
            }
        }
    }

    /** Opens {@link #FLOOD} connections from {@link #OPENERS} threads, each sending half a request. */
    private void open(InetSocketAddress address) throws Exception {
        byte[] half = "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: web".getBytes(StandardCharsets.US_ASCII);
        ExecutorService openers = Executors.newFixedThreadPool(OPENERS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < OPENERS; t++) {
                done.add(openers.submit(() -> {
                    for (int i = 0; i < FLOOD / OPENERS; i++) {
                        SocketChannel channel = SocketChannel.open(address);
                        flood.add(channel);
                        channel.write(ByteBuffer.wrap(half));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            openers.shutdownNow();
        }
    }
}
