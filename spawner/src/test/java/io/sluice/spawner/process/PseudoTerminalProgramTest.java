package io.sluice.spawner.process;

import static io.sluice.spawner.process.StdioFixture.readAvailable;
import static io.sluice.spawner.process.StdioFixture.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.spawner.posix.NativeCallException;
import io.sluice.spawner.posix.Posix;
import io.sluice.spawner.posix.Signals;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Per-connection programs on a pseudo-terminal: the slave is their stdin, stdout and controlling terminal, in raw
 * mode, and the master behaves like the socketpair's parent end except that its end of file is EIO.
 */
class PseudoTerminalProgramTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int EIO = 5;

    private StdioFixture fixture;

    @BeforeEach
    void setUp() throws IOException {
        fixture = new StdioFixture();
    }

    @AfterEach
    void tearDown() throws IOException {
        fixture.close();
    }

    @Test
    void slaveIsStdinStdoutAndTheControllingTerminalOfTheSessionLeader() throws Exception {
        StdioProgram program = fixture.launch(StdioKind.PTY, "/bin/sleep", "30");
        int pid = program.child().pid();
        Path slave = program.terminal();

        assertThat(slave.toString()).startsWith("/dev/pts/");
        Path fds = Path.of("/proc", Integer.toString(pid), "fd");
        assertThat(Files.readSymbolicLink(fds.resolve("0"))).isEqualTo(slave);
        assertThat(Files.readSymbolicLink(fds.resolve("1"))).isEqualTo(slave);
        assertThat(Files.readSymbolicLink(fds.resolve("2")).toString()).startsWith("pipe:[");
        // Field 7 of /proc/PID/stat is the controlling terminal's device number, 0 when there is none.
        String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        int ttyNr = Integer.parseInt(fields[7 - 3]);
        int rdev = ((Number) Files.getAttribute(slave, "unix:rdev")).intValue();
        assertThat(ttyNr).isNotZero().isEqualTo(encodeDev(rdev));
        assertThat(Integer.parseInt(fields[6 - 3])).isEqualTo(pid);
    }

    @Test
    void programCanOpenDevTtyWhichOnlyAControllingTerminalAllows() throws Exception {
        StdioProgram program = fixture.launch(StdioKind.PTY, "/bin/sh", "-c", "echo via-dev-tty > /dev/tty; tty");
        int fd = fixture.take(program);

        assertThat(program.child().exit().get(10, TimeUnit.SECONDS)).isEqualTo(new ExitStatus.Exited(0));
        assertThat(readUntilEnd(fd)).isEqualTo("via-dev-tty\n" + program.terminal() + "\n");
    }

    @Test
    void rawModeEchoesNothingAndTranslatesNoLineEnds() throws Exception {
        StdioProgram program = fixture.launch(StdioKind.PTY, "/bin/cat");
        int fd = fixture.take(program);

        write(fd, "one\ntwo\r\n\u0003\u0004three\n");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // Cooked mode would echo each line, turn \n into \r\n, and take ^C and ^D as signal and end of file.
        await().atMost(WAIT).untilAsserted(() -> {
            readAvailable(fd, out);
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("one\ntwo\r\n\u0003\u0004three\n");
        });
        assertThat(program.child().exit()).isNotDone();
    }

    @Test
    void terminalHasASaneWindowSizeAndRawSettings() throws Exception {
        StdioProgram program = fixture.launch(StdioKind.PTY, "/bin/sh", "-c", "stty size; stty -a");
        int fd = fixture.take(program);

        String out = readUntilEnd(fd);

        assertThat(out).startsWith(PosixStdioLauncher.ROWS + " " + PosixStdioLauncher.COLUMNS + "\n");
        assertThat(out).contains("-icanon", "-echo ", "-isig", "-icrnl", "-opost");
    }

    @Test
    void outputWrittenJustBeforeExitIsReadBeforeTheMastersEndOfFile() throws Exception {
        StdioProgram program = fixture.launch(StdioKind.PTY, "/bin/sh", "-c", "head -c 20000 /dev/zero; exit 7");
        int fd = fixture.take(program);

        // Read while it writes: a pty holds only a few KiB.
        assertThat(readUntilEnd(fd)).hasSize(20000);
        assertThat(program.child().exit().get(10, TimeUnit.SECONDS)).isEqualTo(new ExitStatus.Exited(7));
    }

    @Test
    void lineBufferedStdioStreamsAtOnceUnderAPtyButNotOnASocketpair() throws Exception {
        // perl's (like C's or Python's) stdout is block-buffered unless it is a terminal.
        String[] argv = {"/usr/bin/perl", "-e", "print \"first\\n\"; my $line = <STDIN>; print \"got $line\";"};
        StdioProgram pty = fixture.launch(StdioKind.PTY, argv);
        StdioProgram pair = fixture.launch(StdioKind.SOCKETPAIR, argv);
        int ptyFd = fixture.take(pty);
        int pairFd = fixture.take(pair);

        ByteArrayOutputStream fromPty = new ByteArrayOutputStream();
        await().atMost(WAIT).until(() -> readAvailable(ptyFd, fromPty) && fromPty.toString(StandardCharsets.UTF_8)
                .equals("first\n"));
        ByteArrayOutputStream fromPair = new ByteArrayOutputStream();
        assertThat(readAvailable(pairFd, fromPair)).isTrue();
        assertThat(fromPair.size()).isZero();

        write(ptyFd, "x\n");
        write(pairFd, "y\n");
        await().atMost(WAIT).untilAsserted(() -> {
            readAvailable(ptyFd, fromPty);
            assertThat(fromPty.toString(StandardCharsets.UTF_8)).isEqualTo("first\ngot x\n");
        });
        assertThat(pair.child().exit().get(10, TimeUnit.SECONDS)).isEqualTo(new ExitStatus.Exited(0));
        await().atMost(WAIT).until(() -> !readAvailable(pairFd, fromPair));
        assertThat(fromPair.toString(StandardCharsets.UTF_8)).isEqualTo("first\ngot y\n");
    }

    @Test
    void closingTheMasterHangsUpTheProgram() throws Exception {
        StdioProgram program = fixture.launch(StdioKind.PTY, "/bin/cat");

        program.close();

        ExitStatus status = program.child().exit().get(10, TimeUnit.SECONDS);
        assertThat(status).isEqualTo(new ExitStatus.Killed(Signals.HUP));
        assertThat(status.brief()).isEqualTo("killed by SIGHUP");
    }

    /** Reads until the master reports that no slave is open any more (EIO on Linux). */
    private static String readUntilEnd(int fd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        await().atMost(WAIT).until(() -> !readAvailable(fd, out));
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Linux's new_encode_dev, as /proc/PID/stat shows tty_nr, from the dev_t glibc's stat returns. */
    private static int encodeDev(long rdev) {
        long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
        long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
        return (int) ((minor & 0xff) | (major << 8) | ((minor & ~0xffL) << 12));
    }

    @Test
    void posixReadReportsEioAfterTheLastSlaveClosed() throws Exception {
        StdioProgram program = fixture.launch(StdioKind.PTY, "/bin/true");
        int fd = fixture.take(program);
        program.child().exit().get(10, TimeUnit.SECONDS);

        await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(() -> Posix.read(fd, new byte[16]))
                .isInstanceOf(NativeCallException.class)
                .satisfies(e -> assertThat(((NativeCallException) e).errno()).isEqualTo(EIO)));
    }
}
