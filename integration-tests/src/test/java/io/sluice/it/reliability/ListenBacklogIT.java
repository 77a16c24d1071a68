package io.sluice.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.RawWsClient;
import io.sluice.it.harness.CapturedLog;
import io.sluice.it.harness.CaseFamily;
import io.sluice.it.harness.Evidence;
import io.sluice.it.harness.Observed;
import io.sluice.it.harness.ReliabilityCase;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import io.sluice.it.harness.Workers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A worker whose listen backlog is full (it never accepts; {@code listen-backlog: 1}): the connections the kernel
 * queued got their 101 and wait; every further one is refused by the kernel (EAGAIN on a unix socket), which is the
 * worker's fault: a 503 at once, never a hang, and after three refusals in a row the worker is restarted, which ends
 * the queued sessions with 1011.
 */
@ExtendWith(Evidence.class)
class ListenBacklogIT {
    private static final int CLIENTS = 8;

    private final Workers workers = new Workers();
    private SocketDir dir;

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
    @ReliabilityCase(id = "fault.listen-backlog-full", family = CaseFamily.FAULT,
            title = "a worker's listen backlog is full (it never accepts, listen-backlog: 1)")
    void connectionsBeyondAFullBacklogGet503AtOnceAndTheWorkerIsRestarted(Observed observed) throws Exception {
        List<RawWsClient> queued = new ArrayList<>();
        try (CapturedLog log = new CapturedLog();
             RunningSluice sluice = RunningSluice.start(dir.path(), """
                     server: { bind: 127.0.0.1, port: 0, runtime-dir: %s }
                     wstunnel:
                       frame-type: binary
                       ping-interval: 0
                       server:
                         "/w": [ { bin-path: %s, min-procs: 1, max-procs: 1, listen-backlog: 1, accept-timeout: 0,
                                   disable-time: 0s, stop-timeout: 1s } ]
                     """.formatted(dir.resolve("run"), workers.binPath("never-accept")))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !log.containing("never accepting").isEmpty());
            List<Long> first = workers.pids();
            List<Integer> statuses = new ArrayList<>();
            long slowest = 0;
            for (int i = 0; i < CLIENTS; i++) {
                RawWsClient client = new RawWsClient(sluice.address());
                long started = System.nanoTime();
                int status = client.upgrade("/w").status();
                slowest = Math.max(slowest, System.nanoTime() - started);
                statuses.add(status);
                if (status == 101) {
                    queued.add(client);
                } else {
                    client.close();
                }
            }
            long accepted = statuses.stream().filter(s -> s == 101).count();
            assertThat(statuses).as("every answer").allMatch(s -> s == 101 || s == 503);
            assertThat(accepted).as("what the backlog held (backlog + 1 on a unix socket)").isBetween(1L, 2L);
            assertThat(statuses.subList((int) accepted, CLIENTS)).as("the rest").containsOnly(503);
            assertThat(Duration.ofNanos(slowest)).as("no answer waits").isLessThan(Duration.ofSeconds(3));
            // Refusals add up across disable-time windows: clients that keep coming meet the worker each time it is
            // back in rotation (every tick with disable-time 0s) until the third refusal restarts it. Eight clients
            // alone may all fall into the first window when the handshakes are fast.
            List<RawWsClient> late = new ArrayList<>();
            try {
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    if (!log.containing("refused 3 connections in a row").isEmpty()) {
                        return true;
                    }
                    RawWsClient client = new RawWsClient(sluice.address());
                    int status = client.upgrade("/w").status();
                    assertThat(status).as("a later client's answer").isIn(101, 503);
                    late.add(client);
                    return false;
                });
            } finally {
                for (RawWsClient client : late) {
                    client.close();
                }
            }
            for (RawWsClient client : queued) {
                assertThat(ServerStream.untilClose(client).code()).as("a queued session").isEqualTo(1011);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> workers.pids().size() == 1
                    && !workers.pids().equals(first));
            observed.outcome("the %d connections the kernel queued got 101; the other %d got 503 at once; three"
                    .formatted(accepted, CLIENTS - accepted) + " refusals in a row restarted the worker, which ended the"
                    + " queued sessions with 1011.")
                    .bound("listen-backlog", "connections queued for a worker that does not accept")
                    .measured("slowest answer", Duration.ofNanos(slowest).toMillis() + " ms");
        } finally {
            for (RawWsClient client : queued) {
                client.close();
            }
        }
    }
}
