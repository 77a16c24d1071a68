package io.sluice.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.RawWsClient;
import io.sluice.it.harness.BackendProcess;
import io.sluice.it.harness.CaseFamily;
import io.sluice.it.harness.Evidence;
import io.sluice.it.harness.MemoryProbe;
import io.sluice.it.harness.MemorySample;
import io.sluice.it.harness.Observed;
import io.sluice.it.harness.ReliabilityCase;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import io.sluice.tunnel.server.TunnelServer;
import java.io.IOException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Clients that send and never read, over real sockets, with the memory they cost measured: a PING flood (every PING
 * makes a PONG for the client) and a stream to an echo backend (every byte comes back). Sluice must stop reading
 * such a client once its answers reach the water mark, keep its memory at that bound, lose nothing, and serve the
 * session again once the client reads.
 */
@ExtendWith(Evidence.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientThatNeverReadsIT {
    private static final long HEAP_BOUND = 8L << 20;
    private static final long DIRECT_BOUND = 8L << 20;

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
                  frame-type: binary
                  ping-interval: 0
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
        dir.close();
    }

    /** Waits until {@code progress} has not moved for a second: the writer is blocked, Sluice reads no more. */
    private static void awaitStalled(AtomicLong progress) {
        AtomicLong last = new AtomicLong(-1);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> last.getAndSet(progress.get()) == progress.get() && progress.get() > 0);
    }

    @Test
    @ReliabilityCase(id = "abuse.ping-flood", family = CaseFamily.ABUSE,
            title = "a PING flood from a client that never reads")
    void aPingFloodFromAClientThatNeverReadsIsHeldAtTheWaterMark(Observed observed) throws Exception {
        MemorySample before = MemoryProbe.sample();
        AtomicLong pings = new AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        try (RawWsClient client = new RawWsClient(sluice.address())) {
            assertThat(client.upgrade("/echo").status()).isEqualTo(101);
            byte[] ping = RawWsClient.maskedFrame(0x9, new byte[125]);
            byte[] burst = new byte[ping.length * 64];
            for (int i = 0; i < 64; i++) {
                System.arraycopy(ping, 0, burst, i * ping.length, ping.length);
            }
            CompletableFuture<Void> flooding = CompletableFuture.runAsync(() -> {
                try {
                    while (!stop.get()) {
                        client.writeAtOnce(burst);
                        pings.addAndGet(64);
                    }
                } catch (IOException e) {
                    // closed at the end of the test
                }
            });
            awaitStalled(pings);
            MemorySample flooded = MemoryProbe.sample().minus(before);
            long pingsWhenStalled = pings.get();
            stop.set(true); // the writer ends after its current burst, once Sluice reads again
            assertThat(flooded.heapAfterGc()).isLessThan(HEAP_BOUND);
            assertThat(flooded.direct()).isLessThan(DIRECT_BOUND);

            // Reading again: PONGs come (one per PING while the client read, the latest of a batch after), and
            // the session still works.
            long pongs = 0;
            client.socket().setSoTimeout(1_000);
            try {
                while (true) {
                    RawWsClient.Frame frame = client.readFrame();
                    assertThat(frame.opcode()).as("only PONGs").isEqualTo(0xA);
                    pongs++;
                }
            } catch (java.net.SocketTimeoutException drained) {
                // every PONG read: the flood has ended
            }
            flooding.get();
            assertThat(pongs).as("each PONG answers a PING; coalesced while the client did not read")
                    .isBetween(1L, pings.get() - 1);
            client.sendFrame(0x2, true, new byte[] {1, 2, 3}, true);
            assertThat(client.readFrame().payload()).as("the session still works").containsExactly(1, 2, 3);
            observed.outcome("Sluice stopped reading the flood once its PONGs reached the water mark; heap and"
                    + " direct memory stayed within 8 MiB; when the client read, PONGs came (fewer than PINGs, the"
                    + " latest of each batch above the mark), nothing else, and the session still echoed.")
                    .bound("fixed (TunnelServer.WATER_MARK)", "a client that does not read its PONGs is not read:"
                            + " the high mark plus one PONG queued")
                    .bound("fixed", "heap after GC grows < 8 MiB and direct memory < 8 MiB for one flooding client")
                    .measured("PINGs sent before Sluice stopped reading", "%,d".formatted(pingsWhenStalled))
                    .measured("PINGs sent in all", "%,d".formatted(pings.get()))
                    .measured("PONGs received", "%,d".formatted(pongs))
                    .measured("growth while flooded", "heap " + MemorySample.mib(flooded.heapAfterGc())
                            + ", direct " + MemorySample.mib(flooded.direct()));
        }
    }

    @Test
    @ReliabilityCase(id = "abuse.sends-never-reads", family = CaseFamily.ABUSE,
            title = "a client that streams 32 MiB to an echo backend and does not read the echo")
    void aClientThatSendsAndNeverReadsIsHeldAtTheWaterMarkAndLosesNothing(Observed observed) throws Exception {
        MemorySample before = MemoryProbe.sample();
        AtomicLong sent = new AtomicLong();
        byte[] message = new byte[60_000];
        new Random(13).nextBytes(message);
        int messages = (32 << 20) / message.length;
        long total = (long) messages * message.length;
        try (RawWsClient client = new RawWsClient(sluice.address())) {
            assertThat(client.upgrade("/echo").status()).isEqualTo(101);
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < messages; i++) {
                        client.sendFrame(0x2, true, message, true);
                        sent.addAndGet(message.length);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitStalled(sent);
            MemorySample stalled = MemoryProbe.sample().minus(before);
            long peak = sluice.server().stats().peakPendingBytes();
            long sentWhenStalled = sent.get();
            assertThat(sentWhenStalled).as("Sluice stopped reading").isLessThan(total);
            assertThat(stalled.heapAfterGc()).isLessThan(HEAP_BOUND);
            assertThat(stalled.direct()).isLessThan(DIRECT_BOUND);
            assertThat(peak).isLessThanOrEqualTo(TunnelServer.WATER_MARK.high() + 64 * 1024 + 1024);

            // The client reads now: the writer goes on, and every byte comes back in order.
            long read = 0;
            long mismatches = 0;
            while (read < total) {
                RawWsClient.Frame frame = client.readFrame();
                assertThat(frame.opcode()).isEqualTo(0x2);
                for (byte b : frame.payload()) {
                    mismatches += b == message[(int) (read++ % message.length)] ? 0 : 1;
                }
            }
            writing.get();
            assertThat(read).isEqualTo(total);
            assertThat(mismatches).isZero();
            observed.outcome("Sluice stopped reading the client once the echo it did not read reached the water mark"
                    + " (the backend then stopped being read too); memory stayed within 8 MiB; when the client read,"
                    + " all 32 MiB it sent came back in order, none lost.")
                    .bound("fixed (TunnelServer.WATER_MARK)", "a session queues at most 64 KiB + one 64 KiB read per"
                            + " direction")
                    .measured("sent before Sluice stopped reading", "%,d bytes".formatted(sentWhenStalled))
                    .measured("peak pending", "%,d bytes".formatted(peak))
                    .measured("growth while stalled", "heap " + MemorySample.mib(stalled.heapAfterGc()) + ", direct "
                            + MemorySample.mib(stalled.direct()));
        }
    }
}
