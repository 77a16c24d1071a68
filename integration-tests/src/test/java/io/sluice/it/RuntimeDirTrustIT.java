package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.harness.SluiceProcess;
import io.sluice.it.harness.SocketDir;
import io.sluice.it.harness.Workers;
import io.sluice.spawner.Supervisor;
import io.sluice.spawner.process.ProcessGroupLedger;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The runtime-dir and the ledger in it, from outside: after a SIGKILL the next start kills what a worker forked
 * (its leader already gone) and nothing else, even a live group planted in the ledger; and a runtime-dir others may
 * write to stops the start with exit 1.
 */
class RuntimeDirTrustIT {
    private SocketDir dir;
    private final Workers workers = new Workers();
    private final List<Process> bystanders = new ArrayList<>();
    private final String grandchildArg = "86400." + ThreadLocalRandom.current().nextInt(100_000_000, 999_999_999);

    @BeforeEach
    void makeDir() throws Exception {
        dir = new SocketDir();
    }

    @AfterEach
    void cleanUp() throws Exception {
        grandchildren().forEach(ProcessHandle::destroyForcibly);
        for (Process p : bystanders) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        workers.killAll();
        dir.close();
    }

    /** A worker that forks a long sleep and then execs the echo fixture: {@code sleep N & exec server}. */
    private Path writeForkingConfig() throws IOException {
        String script = "sleep " + grandchildArg + " & exec \"$0\" \"$@\"";
        String argv = "[\"/bin/sh\", \"-c\", \"" + script.replace("\\", "\\\\").replace("\"", "\\\"") + "\", "
                + workers.binPath("echo").substring(1);
        Path config = dir.resolve("sluice.yaml");
        Files.writeString(config, """
                server: { bind: 127.0.0.1, port: 0, runtime-dir: %s }
                wstunnel:
                  server:
                    "/w":
                      - bin-path: %s
                        min-procs: 1
                        max-procs: 1
                """.formatted(dir.resolve("run"), argv));
        return config;
    }

    @Test
    void afterASigkillTheNextStartKillsAForkedGrandchildAndNothingElse() throws Exception {
        Path config = writeForkingConfig();
        try (SluiceProcess first = SluiceProcess.start(List.of(), "run", "-c", config.toString())) {
            first.awaitListening();
            await().atMost(Duration.ofSeconds(20)).until(() -> grandchild().isPresent() && workers.alive().size() == 1);
            first.process().destroyForcibly();
            first.awaitExit(Duration.ofSeconds(20));
        }
        long grandchild = grandchild().orElseThrow().pid();
        // Whether or not the worker itself died with Sluice (setpriv --pdeathsig), its fork lives on.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> isLive(grandchild));
        Process planted = bystander("/usr/bin/setsid", "/bin/sleep", "86401");
        Process unrelated = bystander("/bin/sleep", "86402");
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessGroupLedger.startTime((int) planted.pid())
                .isPresent() && processGroup(planted.pid()) == planted.pid());
        // What another local user could add if the folder were theirs: a live group with its real start time.
        Files.writeString(dir.resolve("run").resolve(Supervisor.LEDGER_FILE), planted.pid() + " "
                + ProcessGroupLedger.startTime((int) planted.pid()).orElseThrow() + "\n", StandardOpenOption.APPEND);

        try (SluiceProcess second = SluiceProcess.start(List.of(), "run", "-c", config.toString())) {
            second.awaitListening();
            await().atMost(Duration.ofSeconds(20)).until(() -> !isLive(grandchild));
            assertThat(planted.isAlive()).as("planted group").isTrue();
            assertThat(unrelated.isAlive()).as("unrelated process").isTrue();
            second.terminate();
            assertThat(second.awaitExit(Duration.ofSeconds(30))).isEqualTo(0);
        }
        assertThat(planted.isAlive()).isTrue();
        assertThat(unrelated.isAlive()).isTrue();
    }

    @Test
    void aRuntimeDirOthersMayWriteToStopsTheStartWithExit1() throws Exception {
        Path config = writeForkingConfig();
        Path runtimeDir = Files.createDirectory(dir.resolve("run"));
        Files.setPosixFilePermissions(runtimeDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (SluiceProcess sluice = SluiceProcess.start(List.of(), "run", "-c", config.toString())) {
            assertThat(sluice.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
            assertThat(String.join("\n", sluice.stdout()) + String.join("\n", sluice.stderr()))
                    .contains("runtime-dir " + runtimeDir).contains("writable by others");
        }
        assertThat(workers.alive()).isEmpty();
        assertThat(grandchild()).isEmpty();
        try (var left = Files.list(runtimeDir)) {
            assertThat(left.toList()).isEmpty();
        }
    }

    private Process bystander(String... command) throws IOException {
        Process process = new ProcessBuilder(command).start();
        bystanders.add(process);
        return process;
    }

    /** The worker's forked sleep, found by its unique argument (zombies excluded); each start forks one. */
    private Optional<ProcessHandle> grandchild() {
        return grandchildren().stream().findFirst();
    }

    private List<ProcessHandle> grandchildren() {
        byte[] wanted = ("sleep\0" + grandchildArg + "\0").getBytes(StandardCharsets.UTF_8);
        return ProcessHandle.allProcesses().filter(p -> {
            try {
                byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
                return java.util.Arrays.equals(cmdline, wanted) && isLive(p.pid());
            } catch (IOException e) {
                return false;
            }
        }).toList();
    }

    private static boolean isLive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    private static long processGroup(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]);
    }
}
