package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.JdkWsClient;
import io.sluice.it.harness.SluiceProcess;
import io.sluice.it.harness.SocketDir;
import io.sluice.it.harness.Workers;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Nothing outlives Sluice: a SIGTERM stops every worker and removes every socket; after a SIGKILL the next start
 * kills what is left (the ledger of process groups) and takes over the stale socket paths.
 */
class SpawnerLifecycleIT {
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

    private Path writeConfig() throws Exception {
        Path config = dir.resolve("sluice.yaml");
        Files.writeString(config, """
                server: { bind: 127.0.0.1, port: 0, runtime-dir: %s }
                wstunnel:
                  frame-type: binary
                  server:
                    "/w":
                      - bin-path: %s
                        min-procs: 2
                        max-procs: 2
                """.formatted(dir.resolve("run"), workers.binPath("echo")));
        return config;
    }

    private static void echoOnce(int port) throws Exception {
        try (JdkWsClient client = JdkWsClient.connect(URI.create("ws://127.0.0.1:" + port + "/w"))) {
            byte[] data = Payloads.binary(10_000, 5);
            client.sendBinary(data);
            client.awaitBytes(data.length, Duration.ofSeconds(20));
            assertThat(client.received().crc()).isEqualTo(Payloads.crc(data));
        }
    }

    @Test
    void sigtermStopsEveryWorkerRemovesEverySocketAndExits0() throws Exception {
        Path config = writeConfig();
        try (SluiceProcess sluice = SluiceProcess.start(List.of(), "run", "-c", config.toString())) {
            echoOnce(sluice.awaitListening());
            await().atMost(Duration.ofSeconds(20)).until(() -> workers.alive().size() == 2);
            assertThat(dir.socketFilesIn("run")).hasSize(2);

            sluice.terminate();
            assertThat(sluice.awaitExit(Duration.ofSeconds(30))).isEqualTo(0);
            assertThat(workers.alive()).isEmpty();
            assertThat(dir.socketFilesIn("run")).isEmpty();
            assertThat(ProcessHandle.of(sluice.pid())).isEmpty();
        }
    }

    @Test
    void afterASigkillTheNextStartRemovesTheLeftovers() throws Exception {
        Path config = writeConfig();
        List<Long> orphans;
        try (SluiceProcess first = SluiceProcess.start(List.of(), "run", "-c", config.toString())) {
            first.awaitListening();
            await().atMost(Duration.ofSeconds(20)).until(() -> workers.alive().size() == 2);
            orphans = workers.pids();
            first.process().destroyForcibly();
            first.awaitExit(Duration.ofSeconds(20));
        }
        // Workers start under setpriv --pdeathsig where util-linux has it and then die with Sluice; elsewhere they
        // hold their listening sockets and live on, as FastCGI workers do. Either way the socket files are left.
        assertThat(dir.socketFilesIn("run")).isNotEmpty();

        try (SluiceProcess second = SluiceProcess.start(List.of(), "run", "-c", config.toString())) {
            int port = second.awaitListening();
            await().atMost(Duration.ofSeconds(20)).until(() -> workers.pids().stream().noneMatch(orphans::contains));
            echoOnce(port);
            second.terminate();
            assertThat(second.awaitExit(Duration.ofSeconds(30))).isEqualTo(0);
        }
        assertThat(workers.alive()).isEmpty();
        assertThat(dir.socketFilesIn("run")).isEmpty();
    }
}
