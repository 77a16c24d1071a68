package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.RawWsClient;
import io.sluice.it.harness.HeapHistogram;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import io.sluice.it.harness.Workers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ended sessions are garbage: a spawned worker that ends every connection after its reply (the backend ends the
 * session, the worker keeps running) must not keep its sessions reachable. Churns sessions through an in-process
 * Sluice, forces a full GC and counts what is left with a heap histogram.
 */
class SessionLeakIT {
    private static final int SESSIONS = 2000;
    private static final int CLIENT_THREADS = 32;
    private static final String TUNNEL_SESSION = "io.sluice.tunnel.session.TunnelSession";
    /** Netty's client and backend channels (epoll or NIO, TCP or unix), not the listening ones. */
    private static final Predicate<String> NETTY_CONNECTIONS = name -> name.startsWith("io.netty.channel.")
            && name.endsWith("SocketChannel") && !name.endsWith("ServerSocketChannel");

    /** A masked binary frame carrying "hi" (mask 0x01020304). */
    private static final byte[] HI_FRAME = {(byte) 0x82, (byte) 0x82, 1, 2, 3, 4, 'h' ^ 1, 'i' ^ 2};

    private SocketDir dir;
    private final Workers workers = new Workers();

    @BeforeEach
    void makeDir() throws Exception {
        dir = new SocketDir();
    }

    @AfterEach
    void cleanUp() throws Exception {
        workers.killAll();
        dir.close();
    }

    @Test
    void sessionsEndedByALiveWorkerLeaveNothingOnTheHeap() throws Exception {
        try (RunningSluice sluice = RunningSluice.start(dir.path(), """
                server: { bind: 127.0.0.1, port: 0, runtime-dir: %s }
                wstunnel:
                  frame-type: binary
                  ping-interval: 0
                  server:
                    "/once":
                      - bin-path: %s
                        min-procs: 1
                        max-procs: 1
                """.formatted(dir.resolve("run"), workers.binPath("echo-once")))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> workers.alive().size() == 1);
            long workerPid = workers.pids().get(0);
            HeapHistogram before = HeapHistogram.afterFullGc();

            long started = System.nanoTime();
            churn(sluice, SESSIONS);
            System.out.printf("MEASURED churn: %d sessions in %d ms%n", SESSIONS,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));

            await().atMost(Duration.ofSeconds(10)).until(() -> sluice.server().stats().activeSessions() == 0);
            assertThat(workers.pids()).as("the worker ended connections, not itself").containsExactly(workerPid);
            // A session may still be finishing its close on an event loop: poll, each poll a full GC.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                HeapHistogram after = HeapHistogram.afterFullGc();
                assertThat(after.count(TUNNEL_SESSION)).as("TunnelSessions reachable after %d sessions", SESSIONS)
                        .isLessThanOrEqualTo(before.count(TUNNEL_SESSION));
                assertThat(after.count(NETTY_CONNECTIONS)).as("Netty connections reachable after %d sessions",
                        SESSIONS).isLessThanOrEqualTo(before.count(NETTY_CONNECTIONS));
            });
        }
    }

    /** {@code count} sessions over a few threads: upgrade, one message and its echo, then the backend's 1000. */
    private static void churn(RunningSluice sluice, int count) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(CLIENT_THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < CLIENT_THREADS; t++) {
                done.add(threads.submit(() -> {
                    for (int i = 0; i < count / CLIENT_THREADS; i++) {
                        oneSession(sluice);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static void oneSession(RunningSluice sluice) throws Exception {
        try (RawWsClient client = new RawWsClient(sluice.address())) {
            assertThat(client.upgrade("/once").status()).isEqualTo(101);
            // One write for the whole frame: byte-sized writes would meet Nagle and delayed ACKs (40 ms a session).
            client.writeRaw(HI_FRAME, 0, HI_FRAME.length);
            client.flush();
            RawWsClient.Frame echo = client.readFrame();
            assertThat(new String(echo.payload(), StandardCharsets.US_ASCII)).isEqualTo("hi");
            assertThat(client.readUntilClose().closeCode()).isEqualTo(1000);
        }
    }
}
