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
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A backend that accepts and never reads: the client pushes 64 MiB into it. Backpressure must hold Sluice's memory
 * at the water mark (the rest waits in kernel buffers and, above all, in the client), and the stuck session must
 * still end: at once when the client resets the connection, and within {@code pong-timeout} when the client's CLOSE
 * waits behind its own unread data.
 */
@ExtendWith(Evidence.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// The in-stall peak is the server's lifetime maximum, which a reset raises: the test that asserts it runs first.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackendStallIT {
    private static final long PUSHED = 64L << 20;
    /** The session's share: the backend channel's high water mark plus one 64 KiB read, plus Netty's bookkeeping. */
    private static final long PENDING_BOUND = TunnelServer.WATER_MARK.high() + 64 * 1024 + 1024;
    private static final long HEAP_BOUND = 8L << 20;
    private static final long DIRECT_BOUND = 8L << 20;
    /**
     * graceful-shutdown-timeout, which also bounds a session's CLOSING phase: a session that ends still owes the
     * backend the client's bytes, and a backend that never reads holds them until then.
     */
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(3);

    private SocketDir dir;
    private BackendProcess sink;
    private RunningSluice sluice;

    @BeforeAll
    void start() throws Exception {
        dir = new SocketDir();
        sink = BackendProcess.unix(dir.resolve("sink.sock"), "sink");
        sluice = RunningSluice.start(dir.path(), """
                server: { bind: 127.0.0.1, port: 0, graceful-shutdown-timeout: %ds }
                wstunnel:
                  frame-type: binary
                  ping-interval: 0
                  server:
                    "/quiet": [ { socket: sink.sock } ]
                    "/watched": { ping-interval: 1s, pong-timeout: 60s, hosts: [ { socket: sink.sock } ] }
                    "/pinged": { ping-interval: 1s, pong-timeout: 3s, hosts: [ { socket: sink.sock } ] }
                """.formatted(CLOSE_BOUND.toSeconds()));
    }

    @AfterAll
    void stop() throws Exception {
        if (sluice != null) {
            sluice.close();
        }
        if (sink != null) {
            sink.close();
        }
        dir.close();
    }

    /** Streams one 64 MiB masked frame; returns how far it got before the connection failed. */
    private static CompletableFuture<Long> push(RawWsClient client, AtomicLong sent) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                int mask = RawWsClient.randomMask();
                client.writeHeader(0x2, true, PUSHED, mask, 0);
                OutputStream out = client.socket().getOutputStream();
                byte[] chunk = new byte[64 * 1024];
                while (sent.get() < PUSHED) {
                    out.write(chunk); // zeros masked are the mask: content does not matter here
                    sent.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                // the session ended under the writer
            }
            return sent.get();
        });
    }

    /** Waits until the client's writes have stopped moving for a second: Sluice no longer reads it. */
    private static void awaitStalled(AtomicLong sent) {
        AtomicLong last = new AtomicLong(-1);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> last.getAndSet(sent.get()) == sent.get() && sent.get() > 0);
    }

    /** What one stalled session cost, and how long its end took after the client's reset. */
    private record Stalled(long sent, long peakPending, MemorySample growth, Duration endedAfterReset) {
    }

    /**
     * Pushes 64 MiB at the sink through {@code path} until the client is held back, then resets the client. The
     * backend-pending peak is the server's lifetime maximum, which a reset raises (the kernel's buffered bytes are read
     * at the close): only the first stall of the class can assert it ({@code firstStall}).
     */
    private Stalled stallThenReset(String path, boolean firstStall) throws Exception {
        MemorySample before = MemoryProbe.sample();
        AtomicLong sent = new AtomicLong();
        RawWsClient client = new RawWsClient(sluice.address());
        CompletableFuture<Long> pushing;
        MemorySample stalled;
        long peak;
        try {
            assertThat(client.upgrade(path).status()).isEqualTo(101);
            pushing = push(client, sent);
            awaitStalled(sent);
            stalled = MemoryProbe.sample().minus(before);

            assertThat(sent.get()).as("the client is held back, not Sluice filled").isLessThan(PUSHED / 4);
            peak = sluice.server().stats().peakBackendPendingBytes();
            if (firstStall) {
                assertThat(peak).isLessThanOrEqualTo(PENDING_BOUND);
            }
            assertThat(stalled.heapAfterGc()).isLessThan(HEAP_BOUND);
            assertThat(stalled.direct()).isLessThan(DIRECT_BOUND);
            client.socket().setSoLinger(true, 0); // close = reset, whatever is unsent
        } finally {
            client.close();
        }
        long resetAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(15)).until(() -> sluice.server().stats().activeSessions() == 0);
        Duration ended = Duration.ofNanos(System.nanoTime() - resetAt);
        pushing.get();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(MemoryProbe.sample().fds()).as("client and backend descriptors released")
                        .isLessThanOrEqualTo(before.fds()));
        return new Stalled(sent.get(), peak, stalled, ended);
    }

    @Test
    @Order(1)
    @ReliabilityCase(id = "fault.backend-stall.memory", family = CaseFamily.FAULT,
            title = "a backend that accepts and never reads, 64 MiB pushed at it; then the client resets")
    void aStalledBackendHoldsTheSessionAtTheWaterMarkAndAClientResetEndsIt(Observed observed) throws Exception {
        Stalled stalled = stallThenReset("/watched", true);
        assertThat(stalled.endedAfterReset()).as("the next PING finds the reset; then the backend's share is"
                + " dropped at graceful-shutdown-timeout").isLessThan(CLOSE_BOUND.plusSeconds(1 + 2));

        observed.outcome("the client was held back after %s of 64 MiB; the session never queued more than the"
                .formatted(bucket(stalled.sent())) + " backend water mark plus one read; the next PING after the"
                + " client's reset failed and ended the session, which still owed the backend the client's bytes and"
                + " so was closed at graceful-shutdown-timeout, releasing both connections.")
                .bound("fixed (TunnelServer.WATER_MARK)", "a session queues at most 64 KiB + one 64 KiB read per"
                        + " direction")
                .bound("fixed", "heap after GC grows < 8 MiB and direct memory < 8 MiB for one stalled session")
                .bound("wstunnel.ping-interval", "a reset client that is not being read is found at the next PING")
                .bound("server.graceful-shutdown-timeout", "a closing session that still owes a backend bytes is"
                        + " closed after it")
                .measured("pushed before the stall", "%,d bytes".formatted(stalled.sent()))
                .measured("peak pending while stalled", "%,d bytes".formatted(stalled.peakPending()))
                .measured("peak pending after the reset (what the kernel still held for the client, read at its"
                        + " close)", "%,d bytes".formatted(sluice.server().stats().peakBackendPendingBytes()))
                .measured("growth while stalled", "heap " + MemorySample.mib(stalled.growth().heapAfterGc())
                        + ", direct " + MemorySample.mib(stalled.growth().direct()))
                .measured("session ended after the reset", stalled.endedAfterReset().toMillis() + " ms");
    }

    /**
     * The defect this keeps visible: while a session does not read its client (backpressure), the client's reset is
     * not seen until something is written to it. Netty's epoll channel leaves EPOLLERR/EPOLLRDHUP unhandled while no
     * read is pending, so with pings off the session and its backend connection stay for as long as the backend does
     * not drain, forever for one that never reads.
     */
    @Test
    @Order(3)
    @ReliabilityCase(id = "fault.backend-stall.reset-without-pings", family = CaseFamily.FAULT,
            title = "a client reset while a never-reading backend holds it back, pings off")
    void aClientResetIsNoticedWhileBackpressurePausesReadingEvenWithPingsOff(Observed observed) throws Exception {
        Stalled stalled = stallThenReset("/quiet", false);
        assertThat(stalled.endedAfterReset()).isLessThan(CLOSE_BOUND.plusSeconds(2));
        observed.outcome("the reset ended the session without a PING to find it: a session whose client is not read"
                + " looks at the socket's pending error once a second.")
                .bound("fixed (SessionRelay.PAUSED_CHECK)", "a reset client that is not being read is found within 1 s,"
                        + " pings or not")
                .measured("session ended after the reset", stalled.endedAfterReset().toMillis() + " ms");
    }

    @Test
    @Order(2)
    @ReliabilityCase(id = "fault.backend-stall.client-close", family = CaseFamily.FAULT,
            title = "the client sends CLOSE behind data a never-reading backend holds up")
    void aClientCloseStuckBehindAStalledBackendEndsAtPongTimeout(Observed observed) throws Exception {
        try (RawWsClient client = new RawWsClient(sluice.address())) {
            assertThat(client.upgrade("/pinged").status()).isEqualTo(101);
            byte[] data = new byte[60_000];
            long started = System.nanoTime();
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < 64; i++) { // ~3.8 MiB: more than every buffer on the way holds
                        client.sendFrame(0x2, true, data, true);
                    }
                    client.sendFrame(0x8, true, new byte[] {0x03, (byte) 0xE8}, true);
                } catch (IOException e) {
                    // the session ended while the CLOSE still waited to be written
                }
            });
            ServerStream.Ending ending = ServerStream.untilClose(client);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            ServerStream.awaitEof(client.socket(), Duration.ofSeconds(5));
            client.close();
            writing.get();

            assertThat(ending.code()).isEqualTo(1001);
            assertThat(ending.reason()).isEqualTo("pong timeout");
            assertThat(took).isLessThan(Duration.ofSeconds(6));
            await().atMost(Duration.ofSeconds(10)).until(() -> sluice.server().stats().activeSessions() == 0);
            observed.outcome("Sluice cannot read a CLOSE queued behind data the backend does not take; its PINGs go"
                    + " unanswered for the same reason, so the session ends with CLOSE 1001 \"pong timeout\" and"
                    + " both connections are closed.")
                    .bound("wstunnel.pong-timeout", "a session whose client cannot be read ends after it (3 s here)")
                    .measured("CLOSE 1001 after", took.toMillis() + " ms");
        }
    }

    /** A coarse size for the outcome text, stable from run to run. */
    private static String bucket(long bytes) {
        return bytes < (4L << 20) ? "less than 4 MiB" : bytes < (16L << 20) ? "less than 16 MiB" : "more";
    }
}
