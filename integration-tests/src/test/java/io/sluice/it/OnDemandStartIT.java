package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.JdkWsClient;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import io.sluice.it.harness.Workers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code min-procs: 0}: a burst of clients on a route whose worker is not running all wait for its one start. */
class OnDemandStartIT {
    private static final int CLIENTS = 8;
    private static final int ROUNDS = 3;

    private SocketDir dir;
    private final Workers workers = new Workers();
    private final List<JdkWsClient> clients = new ArrayList<>();
    private final ExecutorService arrivals = Executors.newFixedThreadPool(CLIENTS);

    @BeforeEach
    void makeDir() throws Exception {
        dir = new SocketDir();
    }

    @AfterEach
    void cleanUp() throws Exception {
        arrivals.shutdownNow();
        clients.forEach(JdkWsClient::close);
        workers.killAll();
        dir.close();
    }

    @Test
    void everyClientOfABurstGets101AndItsEchoRoundAfterRound() throws Exception {
        try (RunningSluice sluice = RunningSluice.start(dir.path(), """
                server: { bind: 127.0.0.1, port: 0, runtime-dir: %s }
                wstunnel:
                  frame-type: binary
                  ping-interval: 0
                  server:
                    "/w":
                      - bin-path: %s
                        min-procs: 0
                        max-procs: 1
                        idle-timeout: 1s
                """.formatted(dir.resolve("run"), workers.binPath("echo")))) {
            for (int round = 1; round <= ROUNDS; round++) {
                assertThat(workers.alive()).as("round %d starts with no worker", round).isEmpty();
                CountDownLatch together = new CountDownLatch(1);
                List<CompletableFuture<JdkWsClient>> burst = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    burst.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            together.await();
                            return JdkWsClient.connect(sluice.uri("/w"), true);
                        } catch (Exception e) {
                            throw new IllegalStateException(e.getMessage(), e);
                        }
                    }, arrivals));
                }
                together.countDown();
                List<String> refused = new ArrayList<>();
                List<JdkWsClient> connected = new ArrayList<>();
                for (CompletableFuture<JdkWsClient> arrival : burst) {
                    try {
                        connected.add(arrival.get(30, TimeUnit.SECONDS));
                    } catch (java.util.concurrent.ExecutionException e) {
                        refused.add(e.getCause().getMessage());
                    }
                }
                clients.addAll(connected);
                assertThat(refused).as("round %d: clients refused", round).isEmpty();
                for (int i = 0; i < connected.size(); i++) {
                    byte[] data = Payloads.binary(1000, round * 100 + i);
                    connected.get(i).sendBinary(data);
                    connected.get(i).awaitBytes(data.length, Duration.ofSeconds(30));
                    assertThat(connected.get(i).received().keptBytes()).isEqualTo(data);
                }
                assertThat(workers.alive()).as("one start serves the whole burst").hasSize(1);
                for (JdkWsClient client : connected) {
                    client.close(1000);
                }
                // idle-timeout 1s: the worker stops, so the next round arrives at a route with no worker again.
                await().atMost(Duration.ofSeconds(30)).until(() -> workers.alive().isEmpty()
                        && dir.socketFilesIn("run").isEmpty());
            }
        }
    }
}
