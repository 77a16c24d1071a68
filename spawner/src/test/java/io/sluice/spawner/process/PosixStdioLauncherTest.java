package io.sluice.spawner.process;

import static io.sluice.spawner.process.StdioFixture.readAvailable;
import static io.sluice.spawner.process.StdioFixture.spec;
import static io.sluice.spawner.process.StdioFixture.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.spawner.posix.Posix;
import io.sluice.spawner.posix.Signals;
import io.sluice.spawner.posix.SocketPair;
import io.sluice.spawner.spec.StopLadder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Per-connection programs on a socketpair, asserted on real children through /proc and the parent's raw fd. */
class PosixStdioLauncherTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private StdioFixture fixture;
    private ScheduledExecutorService timer;

    @BeforeEach
    void setUp() throws IOException {
        fixture = new StdioFixture();
        timer = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void tearDown() throws IOException {
        timer.shutdownNow();
        fixture.close();
    }

    @Test
    void programHasOneSocketOnZeroAndOneAStderrPipeAndNothingElseAndLeadsItsSession() throws IOException {
        StdioProgram program = fixture.launch(StdioKind.SOCKETPAIR, "/bin/sleep", "30");
        int pid = program.child().pid();

        Path fds = Path.of("/proc", Integer.toString(pid), "fd");
        String zero = Files.readSymbolicLink(fds.resolve("0")).toString();
        assertThat(zero).startsWith("socket:[");
        assertThat(Files.readSymbolicLink(fds.resolve("1")).toString()).isEqualTo(zero);
        assertThat(Files.readSymbolicLink(fds.resolve("2")).toString()).startsWith("pipe:[");
        try (Stream<Path> open = Files.list(fds)) {
            assertThat(open.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("0", "1", "2");
        }
        ProcessTable.Entry entry = ProcessTable.read(pid).orElseThrow();
        assertThat(entry.pgrp()).isEqualTo(pid);
        assertThat(entry.session()).isEqualTo(pid);
        assertThat(program.kind()).isEqualTo(StdioKind.SOCKETPAIR);
        assertThat(program.terminal()).isNull();
    }

    @Test
    void parentEndIsNonBlockingAndCloseOnExecAndTakenOnlyOnce() throws Exception {
        StdioProgram program = fixture.launch(StdioKind.SOCKETPAIR, "/bin/cat");

        int fd = fixture.take(program);

        assertThat(Posix.isNonBlocking(fd)).isTrue();
        assertThat(Posix.isCloseOnExec(fd)).isTrue();
        assertThatThrownBy(program::takeParentEnd).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already taken");
    }

    @Test
    void catEchoesAndExitsZeroOnStdinEndOfFile() throws Exception {
        StdioProgram program = fixture.launch(StdioKind.SOCKETPAIR, "/bin/cat");
        int fd = fixture.take(program);

        write(fd, "hello\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        await().atMost(WAIT).until(() -> readAvailable(fd, out) && out.toString(StandardCharsets.UTF_8)
                .equals("hello\n"));
        SocketPair.shutdownOutput(fd);

        ExitStatus status = program.child().exit().get(10, TimeUnit.SECONDS);
        assertThat(status).isEqualTo(new ExitStatus.Exited(0));
        assertThat(status.brief()).isEqualTo("exit 0");
        await().atMost(WAIT).until(() -> !readAvailable(fd, out));
    }

    @Test
    void closingTheUntakenParentEndGivesTheProgramEndOfFile() throws Exception {
        StdioProgram program = fixture.launch(StdioKind.SOCKETPAIR, "/bin/cat");

        program.close();

        assertThat(program.child().exit().get(10, TimeUnit.SECONDS)).isEqualTo(new ExitStatus.Exited(0));
        assertThatThrownBy(program::takeParentEnd).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void exitCodeAndKillingSignalAreReportedBriefly() throws Exception {
        StdioProgram three = fixture.launch(StdioKind.SOCKETPAIR, "/bin/sh", "-c", "exit 3");
        StdioProgram segv = fixture.launch(StdioKind.SOCKETPAIR, "/bin/sh", "-c", "kill -SEGV $$");

        ExitStatus exited = three.child().exit().get(10, TimeUnit.SECONDS);
        ExitStatus killed = segv.child().exit().get(10, TimeUnit.SECONDS);

        assertThat(exited).isEqualTo(new ExitStatus.Exited(3));
        assertThat(exited.brief()).isEqualTo("exit 3");
        assertThat(killed).isEqualTo(new ExitStatus.Killed(11));
        assertThat(killed.brief()).isEqualTo("killed by SIGSEGV");
    }

    @Test
    void stderrLinesAreLoggedWithTheProgramNameAndPidWhileStdoutGoesToTheSocket() throws Exception {
        try (CapturedLogs logs = CapturedLogs.attach(OutputLines.LOGGER)) {
            StdioProgram program = fixture.launch(StdioKind.SOCKETPAIR, "/bin/sh", "-c",
                    "echo to-client; echo to-log >&2");
            int fd = fixture.take(program);

            assertThat(program.child().exit().get(10, TimeUnit.SECONDS)).isEqualTo(new ExitStatus.Exited(0));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            await().atMost(WAIT).until(() -> !readAvailable(fd, out));
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("to-client\n");
            await().atMost(WAIT).untilAsserted(() -> assertThat(logs.messages())
                    .containsExactly("prog#0 pid=" + program.child().pid() + ": to-log"));
        }
    }

    @Test
    void environmentIsTheSpecsWithSessionEntriesWinningByteExact() throws Exception {
        byte[] latin1 = "HTTP_X_NAME=caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        List<byte[]> session = List.of(latin1, "SERVER_NAME=session".getBytes(StandardCharsets.US_ASCII),
                "EMPTY=".getBytes(StandardCharsets.US_ASCII));
        StdioProgram program = fixture.launch(spec(fixture.dir, Map.of("A", "1", "SERVER_NAME", "spec"), "/bin/sleep",
                "30"), StdioKind.SOCKETPAIR, session);

        Path environ = Path.of("/proc", Integer.toString(program.child().pid()), "environ");
        await().atMost(WAIT).untilAsserted(() -> {
            byte[] bytes = Files.readAllBytes(environ);
            assertThat(entries(bytes)).containsExactlyInAnyOrder("A=1", "SERVER_NAME=session", "EMPTY=",
                    new String(latin1, StandardCharsets.ISO_8859_1));
        });
    }

    @Test
    void instanceTokenIsAddedAndRecordedWhenALedgerIsGiven() throws Exception {
        fixture.close();
        Path ledgerFile = Files.createTempDirectory(Path.of("/tmp"), "sluice").resolve("sluice.pids");
        ProcessGroupLedger ledger = new ProcessGroupLedger(ledgerFile);
        fixture = new StdioFixture(ledger);
        try {
            StdioProgram program = fixture.launch(spec(fixture.dir, Map.of(ProcessGroupLedger.TOKEN_VARIABLE, "x"),
                    "/bin/sleep", "30"), StdioKind.SOCKETPAIR, List.of());
            int pid = program.child().pid();

            assertThat(Files.readString(ledgerFile)).contains(pid + " ");
            await().atMost(WAIT).until(() -> ProcessTable.environContains(pid,
                    ProcessGroupLedger.TOKEN_VARIABLE + "=" + ledger.token()));
            program.child().signalGroup(Signals.KILL);
            program.child().exit().get(10, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> !Files.readString(ledgerFile).contains(pid + " "));
        } finally {
            Files.deleteIfExists(ledgerFile);
            Files.deleteIfExists(ledgerFile.getParent());
        }
    }

    @Test
    void grandchildIgnoringTermDiesWhenTheLadderEndsTheProgram() throws Exception {
        // The program dies of TERM; its grandchild ignores TERM. Killing the group before reaping the leader ends it.
        StdioProgram program = fixture.launch(StdioKind.SOCKETPAIR, "/bin/sh", "-c",
                "/bin/sh -c 'trap \"\" TERM; echo $$; exec /bin/sleep 1000' & wait");
        int fd = fixture.take(program);
        int grandchild = Integer.parseInt(readLine(fd));
        await().atMost(WAIT).until(() -> ChildFixture.ignoresTerm(grandchild));

        ExitStatus status = program.child().stop(StopLadder.of(Signals.TERM, Duration.ofSeconds(30)), timer)
                .get(10, TimeUnit.SECONDS);

        assertThat(status).isEqualTo(new ExitStatus.Killed(Signals.TERM));
        await().atMost(WAIT).until(() -> ProcessTable.read(grandchild).isEmpty());
        assertThat(ProcessTable.all()).noneMatch(p -> p.pgrp() == program.child().pid());
    }

    @Test
    void programThatExitsLeavesNothingInItsGroupSoTheSocketReachesEndOfFile() throws Exception {
        // A background child holding stdout open would otherwise keep the tunnel from ever seeing end of file.
        StdioProgram program = fixture.launch(StdioKind.SOCKETPAIR, "/bin/sh", "-c",
                "/bin/sleep 1000 & echo $!; exit 4");
        int fd = fixture.take(program);
        int background = Integer.parseInt(readLine(fd));

        assertThat(program.child().exit().get(10, TimeUnit.SECONDS)).isEqualTo(new ExitStatus.Exited(4));
        await().atMost(WAIT).until(() -> ProcessTable.read(background).isEmpty());
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        await().atMost(WAIT).until(() -> !readAvailable(fd, rest));
    }

    @Test
    void programIgnoringTermIsKilledByTheLadderWithItsGroup() throws Exception {
        StdioProgram program = fixture.launch(StdioKind.SOCKETPAIR, "/bin/sh", "-c",
                "trap '' TERM; /bin/sleep 1000 & while :; do /bin/sleep 1; done");
        await().atMost(WAIT).until(() -> ChildFixture.ignoresTerm(program.child().pid()));

        ExitStatus status = program.child().stop(StopLadder.of(Signals.TERM, Duration.ofMillis(300)), timer)
                .get(10, TimeUnit.SECONDS);

        assertThat(status).isEqualTo(new ExitStatus.Killed(Signals.KILL));
        assertThat(status.brief()).isEqualTo("killed by SIGKILL");
        await().atMost(WAIT).until(() -> !ProcessGroupLedger.hasLiveMembers(program.child().pid()));
    }

    @Test
    void missingBinaryIsASpawnErrorNamingItAndTheErrno() {
        assertThatThrownBy(() -> fixture.launch(StdioKind.SOCKETPAIR, "/nonexistent/prog"))
                .isInstanceOf(SpawnException.class)
                .hasMessage("program prog#0: cannot start /nonexistent/prog: posix_spawn /nonexistent/prog: ENOENT "
                        + "(No such file or directory); check bin-path (and, for a script, its #! interpreter)")
                .satisfies(e -> assertThat(((SpawnException) e).errnoName()).isEqualTo("ENOENT"));
    }

    @Test
    void fileThatIsNotExecutableIsASpawnErrorWithEacces() throws IOException {
        Path script = Files.writeString(fixture.dir.resolve("script.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> fixture.launch(StdioKind.SOCKETPAIR, script.toString()))
                .isInstanceOf(SpawnException.class)
                .hasMessageContaining("cannot start " + script)
                .hasMessageContaining("EACCES (Permission denied)")
                .hasMessageEndingWith("check that the file is executable by the sluice user");
    }

    @Test
    void nothingLeaksNoMatterHowProgramsEnd() throws Exception {
        // Warm up: the first launch loads the bindings; later ones must not add fds.
        StdioProgram warmUp = fixture.launch(StdioKind.SOCKETPAIR, "/bin/true");
        warmUp.close();
        warmUp.child().exit().get(10, TimeUnit.SECONDS);
        int before = StdioFixture.openFds();

        for (int i = 0; i < 10; i++) {
            StdioKind kind = i % 2 == 0 ? StdioKind.SOCKETPAIR : StdioKind.PTY;
            StdioProgram program = fixture.launch(kind, "/bin/sh", "-c", "echo out; echo err >&2; exit " + i);
            program.close();
            program.child().exit().get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> fixture.launch(kind, "/nonexistent")).isInstanceOf(SpawnException.class);
        }

        // The reaper closes a stderr pipe once it reads its end of file, which may come just after the exit.
        await().atMost(WAIT).untilAsserted(() -> assertThat(StdioFixture.openFds()).isEqualTo(before));
    }

    private static List<String> entries(byte[] environ) {
        return Arrays.stream(new String(environ, StandardCharsets.ISO_8859_1).split("\0")).toList();
    }

    private static String readLine(int fd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        await().atMost(WAIT).until(() -> {
            readAvailable(fd, out);
            return out.toString(StandardCharsets.UTF_8).contains("\n");
        });
        return out.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow().strip();
    }
}
