package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.RawWsClient;
import io.sluice.it.client.RawWsClient.Frame;
import io.sluice.it.harness.CapturedLog;
import io.sluice.it.harness.Churn;
import io.sluice.it.harness.HeapHistogram;
import io.sluice.it.harness.MarkedPrograms;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What bounds per-connection programs: {@code max-procs} (503 with the reason, a place freed when a program is
 * reaped), programs that cannot be spawned (503 and a log line naming binary and errno, one spawn per session), the
 * end of a session (a grandchild that ignores SIGTERM dies with its program; a program that ignores both end of file
 * and SIGTERM gets the ladder after {@code stop-timeout}), and a churn of sessions that leaves no session, program
 * record, process or descriptor behind.
 */
class PerConnectionLimitsIT {
    private SocketDir dir;
    private final MarkedPrograms programs = new MarkedPrograms();
    private RunningSluice sluice;
    private Path script;

    @BeforeEach
    void start() throws Exception {
        dir = new SocketDir();
        script = dir.resolve("hello.sh");
        Files.writeString(script, "#!/bin/sh\necho hello\ncat\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        String env = programs.environment();
        sluice = RunningSluice.start(dir.path(), """
                server: { bind: 127.0.0.1, port: 0, runtime-dir: %1$s }
                wstunnel:
                  frame-type: binary
                  ping-interval: 0
                  server:
                    "/cap/":
                      - bin-path: /bin/cat
                        instances: per-connection
                        max-procs: 2
                        bin-environment: %2$s
                    "/script/":
                      - bin-path: %3$s
                        instances: per-connection
                        bin-environment: %2$s
                    "/family/":
                      - bin-path: [/bin/sh, -c, '(trap "" TERM; exec sleep 1000) & echo started; cat']
                        instances: per-connection
                        bin-environment: %2$s
                    "/stubborn/":
                      - bin-path: [/bin/sh, -c, 'trap "" TERM; echo started; while :; do sleep 1; done']
                        instances: per-connection
                        stop-timeout: 1s
                        bin-environment: %2$s
                    "/once/":
                      - bin-path: [/usr/bin/head, -c, "2"]
                        instances: per-connection
                        max-procs: 50
                        bin-environment: %2$s
                """.formatted(dir.resolve("run"), env, script));
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (sluice != null) {
                sluice.close();
            }
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(programs.alive()).as("processes of this test's programs").isEmpty());
        } finally {
            programs.killAll();
            dir.close();
        }
    }

    private RawWsClient open(String path) throws IOException {
        RawWsClient client = new RawWsClient(sluice.address());
        assertThat(client.upgrade(path).status()).isEqualTo(101);
        return client;
    }

    private static String text(Frame frame) {
        return new String(frame.payload(), StandardCharsets.UTF_8);
    }

    @Test
    void maxProcsRefusesWithTheReasonUntilAProgramIsReaped() throws Exception {
        List<RawWsClient> open = new ArrayList<>();
        try (CapturedLog log = new CapturedLog()) {
            open.add(open("/cap/"));
            open.add(open("/cap/"));
            for (int i = 0; i < 5; i++) {
                try (RawWsClient refused = new RawWsClient(sluice.address())) {
                    RawWsClient.Response response = refused.upgrade("/cap/");
                    assertThat(response.status()).isEqualTo(503);
                    assertThat(response.body()).contains("route '/cap/': per-connection limit reached (2 programs)");
                }
            }
            assertThat(log.containing("per-connection limit reached")).as("one line per burst").hasSize(1);

            open.remove(0).close();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                try (RawWsClient again = new RawWsClient(sluice.address())) {
                    assertThat(again.upgrade("/cap/").status()).isEqualTo(101);
                }
            });
        } finally {
            for (RawWsClient client : open) {
                client.close();
            }
        }
    }

    @Test
    void aProgramThatCannotBeSpawnedIsA503AndALogLineNamingTheBinaryAndTheErrno() throws Exception {
        try (RawWsClient client = open("/script/")) {
            assertThat(text(client.readFrame())).isEqualTo("hello\n");
        }
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-------"));
        assertRefusedWithLogLine("EACCES");
        Files.delete(script);
        // The first failure logged; the rest are counted until the next report (one line per 10 s at most).
        assertRefusedWithLogLine(null);
    }

    private void assertRefusedWithLogLine(String errno) throws Exception {
        try (CapturedLog log = new CapturedLog(); RawWsClient client = new RawWsClient(sluice.address())) {
            RawWsClient.Response response = client.upgrade("/script/");
            assertThat(response.status()).isEqualTo(503);
            assertThat(response.body()).contains("route /script/: the backend program could not be started");
            assertThat(response.body()).doesNotContain(script.toString());
            if (errno != null) {
                assertThat(log.containing("cannot start " + script)).singleElement().asString().contains(errno);
            }
        }
    }

    @Test
    void aGrandchildThatIgnoresSigtermDiesWithItsSessionsProgram() throws Exception {
        RawWsClient client = open("/family/");
        assertThat(text(client.readFrame())).isEqualTo("started\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> programs.alive().size() >= 2);
        client.close(); // the client disappears without a CLOSE
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(programs.alive()).isEmpty());
    }

    @Test
    void aProgramThatIgnoresEndOfFileAndSigtermGetsTheLadderAfterStopTimeout() throws Exception {
        try (CapturedLog log = new CapturedLog()) {
            RawWsClient client = open("/stubborn/");
            assertThat(text(client.readFrame())).isEqualTo("started\n");
            client.sendFrame(0x8, true, new byte[] {0x03, (byte) 0xE8}, true);
            assertThat(client.readUntilClose().closeCode()).isEqualTo(1000);
            client.close();
            // stop-timeout 1 s after the session, then TERM (ignored) for stop-timeout, then KILL; ticks are 1 s.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(programs.alive()).isEmpty());
            assertThat(log.containing("ignored TERM for 1s; sending KILL")).hasSize(1);
        }
    }

    /**
     * A churn of sessions, each spawning a program that echoes two bytes and exits (then CLOSE 1000): afterwards, with
     * a full GC, no session and no program record is reachable, no descriptor is left open, no process runs.
     */
    @Test
    void aChurnOfSessionsLeavesNoSessionProgramProcessOrDescriptorBehind() throws Exception {
        Churn.run(sluice.address(), "/once/", 100, 10, 60); // warm up: classes, pools, event loops
        await().atMost(Duration.ofSeconds(10)).until(() -> sluice.server().stats().activeSessions() == 0);
        HeapHistogram before = HeapHistogram.afterFullGc();
        Set<String> fdsBefore = openFds();

        int sessions = 2000;
        long started = System.nanoTime();
        Churn.run(sluice.address(), "/once/", sessions, 16, 100);
        System.out.printf("MEASURED per-connection churn: %d sessions in %d ms%n", sessions,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));

        await().atMost(Duration.ofSeconds(10)).until(() -> sluice.server().stats().activeSessions() == 0);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(programs.alive()).isEmpty());
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            HeapHistogram after = HeapHistogram.afterFullGc();
            for (String type : List.of("io.sluice.tunnel.session.TunnelSession", "io.sluice.spawner.pool.ProgramRun",
                    "io.sluice.spawner.process.StdioProgram", "io.sluice.spawner.process.ChildProcess")) {
                assertThat(after.count(type)).as("%s reachable after %d sessions", type, sessions)
                        .isLessThanOrEqualTo(before.count(type));
            }
            assertThat(openFds()).as("descriptors open after the churn that were not before").isSubsetOf(fdsBefore);
        });
    }

    /** Each open descriptor of this JVM as "fd -> what it points to" (a reused number pointing elsewhere differs). */
    private static Set<String> openFds() throws IOException {
        Set<String> fds = new HashSet<>();
        try (Stream<Path> list = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : list.toList()) {
                try {
                    fds.add(fd.getFileName() + " -> " + Files.readSymbolicLink(fd));
                } catch (IOException e) {
                    // closed meanwhile (the listing's own descriptor)
                }
            }
        }
        return fds;
    }
}
