package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.harness.Churn;
import io.sluice.it.harness.HeapHistogram;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import io.sluice.it.harness.Workers;
import java.time.Duration;
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
    private static final int SESSIONS = 1500;
    private static final int CLIENT_THREADS = 32;
    private static final String TUNNEL_SESSION = "io.sluice.tunnel.session.TunnelSession";
    /** Netty's client and backend channels (epoll or NIO, TCP or unix), not the listening ones. */
    private static final Predicate<String> NETTY_CONNECTIONS = name -> name.startsWith("io.netty.channel.")
            && name.endsWith("SocketChannel") && !name.endsWith("ServerSocketChannel");

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
            Churn.run(sluice.address(), "/once", SESSIONS, CLIENT_THREADS, 60);
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
}
