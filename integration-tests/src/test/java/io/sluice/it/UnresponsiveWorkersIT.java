package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.JdkWsClient;
import io.sluice.it.client.RawWsClient;
import io.sluice.it.harness.CapturedLog;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import io.sluice.it.harness.Workers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Workers that run but serve nothing (issue 8 item 10): one that closes its listening socket, and one that never
 * accepts. Neither may leave a client with a 101 and then silence.
 */
class UnresponsiveWorkersIT {
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

    private String config(String hostOptions) {
        return """
                server: { bind: 127.0.0.1, port: 0, runtime-dir: %s }
                wstunnel:
                  frame-type: binary
                  ping-interval: 0
                  server:
                    "/w":
                      - %s
                """.formatted(dir.resolve("run"), hostOptions.strip().replace("\n", "\n        "));
    }

    /**
     * Sluice keeps no copy of a running worker's listening socket, so once the worker closes fd 0 nobody holds it:
     * connects are refused (503, never a 101 into a backlog nobody serves), and three refusals in a row restart it.
     */
    @Test
    void aWorkerThatClosesItsListeningSocketIsRefusedNotQueuedAndRestartedAfterThreeRefusals() throws Exception {
        try (CapturedLog log = new CapturedLog();
             RunningSluice sluice = RunningSluice.start(dir.path(), config("""
                     bin-path: %s
                     min-procs: 1
                     max-procs: 1
                     disable-time: 0s
                     """.formatted(workers.binPath("close-listener"))))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> !log.containing("closing the listening socket").isEmpty());
            List<Long> first = workers.pids();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                try (RawWsClient client = new RawWsClient(sluice.address())) {
                    assertThat(client.upgrade("/w").status()).isEqualTo(503);
                }
                assertThat(log.containing("refused 3 connections in a row")).isNotEmpty();
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> workers.pids().size() == 1
                    && !workers.pids().equals(first));
        }
    }
    /**
     * A worker that holds its listening socket but never accepts: the client's connect lands in the backlog (so it
     * got its 101). After accept-timeout the worker is hung: restarted through the ladder, and the session it never
     * served ends with 1011 instead of waiting forever.
     */
    @Test
    void aWorkerThatNeverAcceptsIsRestartedAfterAcceptTimeoutAndTheSessionItHeldEndsWith1011() throws Exception {
        try (CapturedLog log = new CapturedLog();
             RunningSluice sluice = RunningSluice.start(dir.path(), config("""
                     bin-path: %s
                     min-procs: 1
                     max-procs: 1
                     accept-timeout: 2s
                     stop-timeout: 2s
                     """.formatted(workers.binPath("never-accept"))))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> !log.containing("never accepting").isEmpty());
            List<Long> first = workers.pids();
            JdkWsClient client = JdkWsClient.connect(sluice.uri("/w"));
            try {
                client.sendBinary(new byte[] {1, 2, 3});
                assertThat(client.closeCode().get(30, TimeUnit.SECONDS)).isEqualTo(1011);
            } finally {
                client.close();
            }
            assertThat(log.containing("hung: its accept queue did not drain for accept-timeout 2.0 s"))
                    .filteredOn(line -> line.endsWith("restarting it")).hasSize(1);
            await().atMost(Duration.ofSeconds(20)).until(() -> workers.pids().size() == 1
                    && !workers.pids().equals(first));
        }
    }
}
