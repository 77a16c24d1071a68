package io.sluice.spawner.process;

import static io.sluice.spawner.process.ChildFixture.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.sluice.spawner.spec.LaunchSpec;
import io.sluice.spawner.spec.OutputLevels;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/** The native-spawning reference's checklist, asserted on real children read through /proc. */
class PosixSpawnLauncherTest {
    private ChildFixture fixture;

    @BeforeEach
    void setUp() throws IOException {
        fixture = new ChildFixture();
    }

    @AfterEach
    void tearDown() throws IOException {
        fixture.close();
    }

    @Test
    void childHasTheListeningSocketOnFdZeroAndNothingAboveTwo() throws IOException {
        ListenSocket socket = fixture.socket("fd.sock");
        Path ours = Files.readSymbolicLink(Path.of("/proc/self/fd", Integer.toString(socket.fd())));
        ChildProcess child = fixture.launch(spec(fixture.dir, Map.of(), "/bin/sleep", "30"), socket, Map.of());

        Path fds = Path.of("/proc", Integer.toString(child.pid()), "fd");
        assertThat(Files.readSymbolicLink(fds.resolve("0"))).isEqualTo(ours);
        assertThat(ours.toString()).startsWith("socket:[");
        assertThat(openFds()).as("the child's fd 0 is the only copy").doesNotContain(ours.toString());
        assertThatThrownBy(socket::fd).isInstanceOf(IllegalStateException.class);
        assertThat(Files.readSymbolicLink(fds.resolve("1")).toString()).startsWith("pipe:[");
        assertThat(Files.readSymbolicLink(fds.resolve("2")).toString()).startsWith("pipe:[");
        try (Stream<Path> open = Files.list(fds)) {
            assertThat(open.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("0", "1", "2");
        }
    }

    @Test
    void childStartsWithEmptySignalMaskAndNoIgnoredSignals() throws IOException {
        ChildProcess child = fixture.launch("/bin/sleep", "30");

        List<String> status = Files.readAllLines(Path.of("/proc", Integer.toString(child.pid()), "status"));
        // The JVM blocks SIGQUIT in every thread (SigBlk 0x4); the child must not inherit that.
        assertThat(status).contains("SigBlk:\t0000000000000000");
        // glibc's posix_spawn leaves its two internal real-time signals (32, 33) ignored; nothing else may be.
        long ignored = Long.parseUnsignedLong(status.stream().filter(l -> l.startsWith("SigIgn:")).findFirst()
                .orElseThrow().substring("SigIgn:".length()).trim(), 16);
        assertThat(ignored & ~0x180000000L).isZero();
    }

    @Test
    void childLeadsItsOwnSessionAndProcessGroup() throws IOException {
        ChildProcess child = fixture.launch("/bin/sh", "-c", "exec /bin/sleep 30");

        String stat = Files.readString(Path.of("/proc", Integer.toString(child.pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        int pgrp = Integer.parseInt(fields[5 - 3]);
        int session = Integer.parseInt(fields[6 - 3]);
        assertThat(pgrp).isEqualTo(child.pid());
        assertThat(session).isEqualTo(child.pid());
    }

    @Test
    void childEnvironmentIsExactlyTheSpecPlusExtraEnvAndCwdIsTheSpecs() throws IOException {
        Path cwd = Files.createDirectory(fixture.dir.resolve("work dir"));
        ChildProcess child = fixture.launch(spec(cwd, Map.of("A", "1", "B", "two words", "SLUICE_ROUTE", "old"),
                "/bin/sleep", "30"), fixture.socket("env.sock"), Map.of("SLUICE_ROUTE", "/ws", "SLUICE_WORKER_ID", "3"));

        Path proc = Path.of("/proc", Integer.toString(child.pid()));
        assertThat(Files.readSymbolicLink(proc.resolve("cwd"))).isEqualTo(cwd);
        // posix_spawn returns once the exec has replaced the memory map, a moment before the kernel has filled in
        // the new argument and environment area that /proc shows: wait for it.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String environ = new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8);
            assertThat(environ.split("\0"))
                    .containsExactlyInAnyOrder("A=1", "B=two words", "SLUICE_ROUTE=/ws", "SLUICE_WORKER_ID=3");
            assertThat(Files.readAllBytes(proc.resolve("cmdline")))
                    .isEqualTo("/bin/sleep\u000030\u0000".getBytes(StandardCharsets.UTF_8));
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 255})
    void reportsTheExitCode(int code) throws Exception {
        ChildProcess child = fixture.launch("/bin/sh", "-c", "exit " + code);

        ExitStatus status = child.exit().get(10, TimeUnit.SECONDS);
        assertThat(status).isEqualTo(new ExitStatus.Exited(code));
        assertThat(status.describe()).isEqualTo("exited with code " + code);
    }

    @Test
    void reportsTheKillingSignalAndStopsSignallingOnceReaped() throws Exception {
        ChildProcess child = fixture.launch("/bin/sleep", "30");

        assertThat(child.signalGroup(9)).isTrue();
        ExitStatus status = child.exit().get(10, TimeUnit.SECONDS);
        assertThat(status).isEqualTo(new ExitStatus.Killed(9));
        assertThat(status.describe()).isEqualTo("killed by signal 9 (KILL)");
        assertThat(child.signalGroup(9)).isFalse();
    }

    @Test
    void logsStdoutAtInfoAndStderrAtWarnLineByLineWithWorkerAndPid() throws Exception {
        try (CapturedLogs logs = CapturedLogs.attach(OutputLines.LOGGER)) {
            ChildProcess child = fixture.launch("/bin/sh", "-c",
                    "echo out1; echo err1 >&2; echo out2; printf 'no newline'");

            assertThat(child.exit().get(10, TimeUnit.SECONDS)).isEqualTo(new ExitStatus.Exited(0));
            String prefix = "test#0 pid=" + child.pid() + ": ";
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(logs.messages())
                    .containsExactlyInAnyOrder(prefix + "out1", prefix + "err1", prefix + "out2",
                            prefix + "no newline"));
            ILoggingEvent err = logs.events().stream().filter(e -> e.getFormattedMessage().endsWith("err1"))
                    .findFirst().orElseThrow();
            assertThat(err.getLevel()).isEqualTo(Level.WARN);
            assertThat(err.getMDCPropertyMap()).containsEntry("worker", "test#0")
                    .containsEntry("pid", Integer.toString(child.pid()));
            assertThat(logs.events()).filteredOn(e -> e.getFormattedMessage().contains("out"))
                    .allMatch(e -> e.getLevel() == Level.INFO);
        }
    }

    /** output-level: stdout at DEBUG, stderr off (still read, so the child never blocks on its pipe). */
    @Test
    void logsOutputAtTheHostsOutputLevels() throws Exception {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(
                OutputLines.LOGGER);
        Level before = logger.getLevel();
        logger.setLevel(Level.TRACE);
        try (CapturedLogs logs = CapturedLogs.attach(OutputLines.LOGGER)) {
            LaunchSpec plain = spec(fixture.dir, Map.of("PATH", "/usr/bin:/bin"), "/bin/sh", "-c",
                    "echo out1; { head -c 200000 /dev/zero | tr '\\0' e; echo; } >&2; echo out2");
            LaunchSpec spec = new LaunchSpec(plain.binPath(), plain.argv(), plain.environment(), plain.cwd(),
                    plain.killSignal(), plain.stopTimeout(), plain.listenBacklog(), plain.socketMode(),
                    plain.confinement(), new OutputLevels(OutputLevels.Level.DEBUG, OutputLevels.Level.OFF));
            ChildProcess child = fixture.launch(spec, fixture.socket("levels"), Map.of());

            assertThat(child.exit().get(10, TimeUnit.SECONDS)).isEqualTo(new ExitStatus.Exited(0));
            String prefix = "test#0 pid=" + child.pid() + ": ";
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(logs.messages())
                    .containsExactly(prefix + "out1", prefix + "out2"));
            assertThat(logs.events()).allMatch(e -> e.getLevel() == Level.DEBUG);
        } finally {
            logger.setLevel(before);
        }
    }

    @Test
    void cutsOverlongOutputLinesAt8KiB() throws Exception {
        try (CapturedLogs logs = CapturedLogs.attach(OutputLines.LOGGER)) {
            ChildProcess child = fixture.launch("/bin/sh", "-c", "head -c 20000 /dev/zero | tr '\\0' x; echo");

            assertThat(child.exit().get(10, TimeUnit.SECONDS)).isEqualTo(new ExitStatus.Exited(0));
            String prefix = "test#0 pid=" + child.pid() + ": ";
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(logs.messages())
                    .containsExactly(prefix + "x".repeat(8192), prefix + "x".repeat(8192),
                            prefix + "x".repeat(20000 - 2 * 8192)));
        }
    }

    @Test
    void aJavaBackendAcceptsOnTheInheritedUnixSocketAndAnswers() throws Exception {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Path source = Path.of("src/test/resources/backends/EchoBackend.java").toAbsolutePath();
        ListenSocket socket = fixture.socket("echo.sock");
        try (CapturedLogs logs = CapturedLogs.attach(OutputLines.LOGGER)) {
            fixture.launch(spec(fixture.dir, Map.of(), java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                    source.toString()), socket, Map.of());

            try (var client = SocketChannel.open(
                    UnixDomainSocketAddress.of(fixture.dir.resolve("echo.sock")))) {
                client.write(StandardCharsets.UTF_8.encode("hello\n"));
                assertThat(readLine(client)).isEqualTo("echo:hello");
            }
            // The child's stderr reaches the log through the reaper thread: it may trail the echo a little.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(logs.messages()).anyMatch(m -> m.endsWith("inherited sun.nio.ch.InheritedChannel$"
                        + "InheritedServerSocketChannelImpl")
                        || m.contains("inherited ") && m.contains("ServerSocket"));
                assertThat(logs.messages()).anyMatch(m -> m.endsWith("local " + fixture.dir.resolve("echo.sock")));
            });
        }
    }

    private static String readLine(SocketChannel client) throws IOException {
        var buffer = ByteBuffer.allocate(256);
        while (buffer.position() == 0 || buffer.get(buffer.position() - 1) != '\n') {
            if (client.read(buffer) < 0) {
                break;
            }
        }
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip();
    }

    @Test
    void missingBinaryIsASpawnExceptionNamingENOENT() throws IOException {
        ListenSocket socket = fixture.socket("missing.sock");

        assertThatThrownBy(() -> fixture.launch(spec(fixture.dir, Map.of(), "/nonexistent/php-cgi"), socket, Map.of()))
                .isInstanceOf(SpawnException.class)
                .hasMessageStartingWith("worker test#0: cannot start /nonexistent/php-cgi: ")
                .hasMessageContaining("ENOENT (No such file or directory)")
                .satisfies(e -> assertThat(((SpawnException) e).errnoName()).isEqualTo("ENOENT"));
    }

    @Test
    void nonExecutableBinaryIsEACCESWithAHint() throws IOException {
        Path script = Files.writeString(fixture.dir.resolve("app"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-------"));
        ListenSocket socket = fixture.socket("eacces.sock");

        assertThatThrownBy(() -> fixture.launch(spec(fixture.dir, Map.of(), script.toString()), socket, Map.of()))
                .isInstanceOf(SpawnException.class)
                .hasMessageContaining("EACCES")
                .hasMessageEndingWith("; check that the file is executable by the sluice user");
    }

    @Test
    void missingWorkingDirectoryIsReportedBeforeSpawning() throws IOException {
        ListenSocket socket = fixture.socket("cwd.sock");
        Path cwd = fixture.dir.resolve("absent");

        assertThatThrownBy(() -> fixture.launch(spec(cwd, Map.of(), "/bin/true"), socket, Map.of()))
                .isInstanceOf(SpawnException.class)
                .hasMessageContaining("working directory " + cwd + " does not exist");
    }

    @Test
    void noPipeOrSocketOfOurOwnLeaksWhenChildrenComeAndGo() throws Exception {
        Set<String> before = openFds();
        for (int i = 0; i < 5; i++) {
            fixture.launch("/bin/sh", "-c", "echo hi").exit().get(10, TimeUnit.SECONDS);
        }
        // Sockets are the fixture's until close; only pipes and pidfds could leak here.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(openFds().stream()
                .filter(l -> l.startsWith("pipe:") || l.contains("pidfd")).collect(Collectors.toSet()))
                .isSubsetOf(before));
    }

    private static Set<String> openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(p -> {
                try {
                    return Files.readSymbolicLink(p).toString();
                } catch (IOException e) {
                    return "";
                }
            }).collect(Collectors.toSet());
        }
    }
}
