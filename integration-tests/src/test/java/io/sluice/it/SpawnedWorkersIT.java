package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.JdkWsClient;
import io.sluice.it.client.RawWsClient;
import io.sluice.it.harness.CapturedLog;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import io.sluice.it.harness.Workers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Workers Sluice spawns itself: scaling with load, crashes, crash loops and the stop ladder, with real processes. */
class SpawnedWorkersIT {
    private SocketDir dir;
    private final Workers workers = new Workers();
    private final List<JdkWsClient> clients = new ArrayList<>();

    @BeforeEach
    void makeDir() throws Exception {
        dir = new SocketDir();
    }

    @AfterEach
    void cleanUp() throws Exception {
        clients.forEach(JdkWsClient::close);
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

    /** Connects and returns the pid of the worker that serves the session (its first line). */
    private long connectAndReadPid(RunningSluice sluice, Map<Long, List<JdkWsClient>> byPid) throws Exception {
        JdkWsClient client = JdkWsClient.connect(sluice.uri("/w"), true);
        clients.add(client);
        await().atMost(Duration.ofSeconds(20)).until(() -> new String(client.received().keptBytes(),
                StandardCharsets.US_ASCII).contains("\n"));
        String line = new String(client.received().keptBytes(), StandardCharsets.US_ASCII);
        long pid = Long.parseLong(line.substring(4, line.indexOf('\n')));
        byPid.computeIfAbsent(pid, p -> new ArrayList<>()).add(client);
        return pid;
    }

    @Test
    void scalesUpToMaxProcsUnderLoadAndBackToMinProcsWhenIdle() throws Exception {
        try (RunningSluice sluice = RunningSluice.start(dir.path(), config("""
                bin-path: %s
                min-procs: 1
                max-procs: 3
                max-load-per-proc: 1
                idle-timeout: 2s
                """.formatted(workers.binPath("pid"))))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> workers.alive().size() == 1);
            Map<Long, List<JdkWsClient>> byPid = new HashMap<>();
            for (int i = 0; i < 6; i++) {
                connectAndReadPid(sluice, byPid);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> workers.alive().size() == 3);
            assertThat(workers.alive()).hasSize(3);

            for (JdkWsClient client : clients) {
                client.close(1000);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> workers.alive().size() == 1);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> workers.alive().size() == 1);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> workers.alive().isEmpty());
        assertThat(dir.socketFilesIn("run")).isEmpty();
    }

    @Test
    void aKilledWorkerEndsOnlyItsOwnSessionsWith1011AndComesBack() throws Exception {
        try (RunningSluice sluice = RunningSluice.start(dir.path(), config("""
                bin-path: %s
                min-procs: 2
                max-procs: 2
                max-load-per-proc: 1
                """.formatted(workers.binPath("pid"))))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> workers.alive().size() == 2);
            Map<Long, List<JdkWsClient>> byPid = new HashMap<>();
            for (int i = 0; i < 4; i++) {
                connectAndReadPid(sluice, byPid);
            }
            assertThat(byPid).hasSize(2);
            List<Long> pids = new ArrayList<>(byPid.keySet());
            long victim = pids.get(0);
            long survivor = pids.get(1);

            ProcessHandle.of(victim).orElseThrow().destroyForcibly();

            for (JdkWsClient client : byPid.get(victim)) {
                assertThat(client.closeCode().get(20, TimeUnit.SECONDS)).isEqualTo(1011);
            }
            byte[] data = Payloads.binary(200_000, 11);
            for (JdkWsClient client : byPid.get(survivor)) {
                long before = client.received().bytes();
                client.sendBinary(data);
                client.awaitBytes(before + data.length, Duration.ofSeconds(20));
                byte[] all = client.received().keptBytes();
                byte[] echoed = java.util.Arrays.copyOfRange(all, (int) before, all.length);
                assertThat(echoed).isEqualTo(data);
                assertThat(client.closeCode()).isNotDone();
            }

            await().atMost(Duration.ofSeconds(30)).until(() -> workers.alive().size() == 2
                    && !workers.pids().contains(victim));
            long fresh = connectAndReadPid(sluice, byPid);
            assertThat(fresh).isNotEqualTo(victim);
        }
    }

    /**
     * A stdin/stdout program given as bin-path exits at once (its fd 0 is a listening socket): one slot at a time is
     * tried, with the backend's backoff, and clients get a 503 at once meanwhile, never a 101 and a 1011 later or no
     * answer at all. The log says why such programs exit.
     */
    @Test
    void aProgramThatExitsAtStartIsTriedOneSlotAtATimeAndClientsGet503AtOnce() throws Exception {
        try (CapturedLog log = new CapturedLog();
             RunningSluice sluice = RunningSluice.start(dir.path(), config("""
                     bin-path: ["/bin/bash", "-c", "while read -r line; do echo \\"$line\\"; done"]
                     max-procs: 4
                     """))) {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
                    .until(() -> !log.containing("1 failed start in a row").isEmpty());
            // A client that arrives while a try runs (a few ms) may get that worker; such a burst is repeated.
            List<Integer> statuses;
            boolean duringATry;
            int bursts = 0;
            do {
                int triesBefore = log.containing("DEAD -> STARTING").size();
                statuses = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    try (RawWsClient client = new RawWsClient(sluice.address())) {
                        statuses.add(client.upgrade("/w").status());
                    }
                }
                duringATry = log.containing("DEAD -> STARTING").size() != triesBefore;
            } while (duringATry && ++bursts < 3);
            assertThat(statuses).containsOnly(503);
            await().atMost(Duration.ofSeconds(30)).until(() -> !log.containing("3 failed starts in a row").isEmpty());
            // Each try is one more failure in a row: never two slots tried side by side, never a storm.
            assertThat(log.containing("at its start (")).extracting(line -> line.replaceAll(".*\\((\\d+) failed.*",
                    "$1")).startsWith("1", "2", "3");
            assertThat(log.containing("fd 0 is a listening socket, not stdin")).hasSize(1);
        }
    }

    @Test
    void aWorkerThatIgnoresSigtermIsKilledAfterStopTimeout() throws Exception {
        RunningSluice sluice = RunningSluice.start(dir.path(), config("""
                bin-path: %s
                min-procs: 1
                max-procs: 1
                stop-timeout: 1s
                """.formatted(workers.binPath("echo", "--ignore-sigterm"))));
        // An answered echo proves the worker runs its main, so its TERM handler is installed.
        JdkWsClient client = JdkWsClient.connect(sluice.uri("/w"));
        clients.add(client);
        client.sendBinary(new byte[] {1, 2, 3});
        client.awaitBytes(3, Duration.ofSeconds(20));
        try (CapturedLog log = new CapturedLog()) {
            sluice.close();
            assertThat(log.containing("ignored TERM for 1s; sending KILL")).hasSize(1);
            assertThat(log.containing("killed by signal 9 (KILL)")).hasSize(1);
        }
        assertThat(workers.alive()).isEmpty();
        assertThat(dir.socketFilesIn("run")).isEmpty();
    }
}
