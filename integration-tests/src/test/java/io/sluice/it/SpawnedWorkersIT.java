package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.sluice.it.client.JdkWsClient;
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
import org.slf4j.LoggerFactory;

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

    @Test
    void aBackendThatExitsAtOnceIsRestartedWithBackoffNotInALoop() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        root.addAppender(log);
        try (RunningSluice sluice = RunningSluice.start(dir.path(), config("""
                bin-path: /bin/false
                min-procs: 1
                max-procs: 1
                """))) {
            // Backoff 1 s, 2 s, 4 s…: within 6 s a handful of restarts, never a storm.
            await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(7)).until(() -> exits(log) <= 5);
            assertThat(exits(log)).isBetween(2L, 5L);
            assertThat(log.list).anyMatch(e -> e.getFormattedMessage().contains("restarting in"));
        } finally {
            root.detachAppender(log);
        }
    }

    private static long exits(ListAppender<ILoggingEvent> log) {
        return log.list.stream().filter(e -> e.getFormattedMessage().contains("exited with code 1")).count();
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
        long started = System.nanoTime();
        sluice.close();
        assertThat(workers.alive()).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(dir.socketFilesIn("run")).isEmpty();
    }
}
