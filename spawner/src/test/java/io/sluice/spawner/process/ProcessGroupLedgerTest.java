package io.sluice.spawner.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.spawner.posix.Posix;
import io.sluice.spawner.posix.Signals;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProcessGroupLedgerTest {
    private ChildFixture fixture;
    private Path file;
    private final List<Long> strays = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        file = Files.createTempDirectory(Path.of("/tmp"), "sluice-ledger").resolve("sluice.pids");
        fixture = new ChildFixture(new ProcessGroupLedger(file), false);
    }

    @AfterEach
    void tearDown() throws IOException {
        strays.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        fixture.close();
        try (DirectoryStream<Path> left = Files.newDirectoryStream(file.getParent())) {
            for (Path p : left) {
                Files.delete(p);
            }
        }
        Files.deleteIfExists(file.getParent());
    }

    @Test
    void recordsEveryLiveGroupWithItsStartTimeAndTheInstanceTokenItsWorkersCarry() throws Exception {
        ChildProcess child = fixture.launch("/bin/sleep", "30");
        long start = ProcessGroupLedger.startTime(child.pid()).orElseThrow();

        assertThat(groupLines()).containsExactly(child.pid() + " " + start);
        // posix_spawn returns once exec has dropped the old memory, a moment before /proc shows the new environment.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(environ(child.pid())).contains("SLUICE_INSTANCE=" + recordedToken()));

        child.signalGroup(Signals.KILL);
        child.exit().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(groupLines()).isEmpty());
    }

    @Test
    void cleanupKillsALeftoverGroupThatIgnoresTermAndForgetsIt() throws Exception {
        ChildProcess leftover = fixture.launch("/bin/sh", "-c", "trap '' TERM; while :; do sleep 1; done");
        await().atMost(Duration.ofSeconds(10)).until(() -> ChildFixture.ignoresTerm(leftover.pid()));
        assertThat(groupLines()).singleElement().asString().startsWith(leftover.pid() + " ");

        // The next Sluice start reads the same file.
        ProcessGroupLedger nextStart = new ProcessGroupLedger(file);
        int signalled = nextStart.cleanupLeftovers(Duration.ofMillis(300));

        assertThat(signalled).isEqualTo(1);
        assertThat(leftover.exit().get(10, TimeUnit.SECONDS)).isEqualTo(new ExitStatus.Killed(Signals.KILL));
        assertThat(groupLines()).isEmpty();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !ProcessGroupLedger.hasLiveMembers(leftover.pid()));
    }

    /** Item 9: {@code sleep & exec server}, and the server died with Sluice; the sleep must not outlive a restart. */
    @Test
    void cleanupKillsWhatIsLeftOfARecordedSessionWhoseLeaderIsGone() throws Exception {
        ChildProcess leader = fixture.launch("/bin/sh", "-c", "sleep 60 & exec sleep 61");
        await().atMost(Duration.ofSeconds(10)).until(() -> liveSessionMembers(leader.pid()).size() == 2);
        long grandchild = liveSessionMembers(leader.pid()).stream().filter(p -> p != leader.pid()).findFirst()
                .orElseThrow();
        strays.add(grandchild);
        String asLeftBySigkilledSluice = Files.readString(file);
        Posix.kill(leader.pid(), Signals.KILL);
        leader.exit().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(groupLines()).isEmpty());
        Files.writeString(file, asLeftBySigkilledSluice);

        int signalled = new ProcessGroupLedger(file).cleanupLeftovers(Duration.ofSeconds(5));

        assertThat(signalled).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> !isLive(grandchild));
    }

    @Test
    void cleanupSparesAGroupWhoseLeaderHasAnotherStartTime() throws Exception {
        ChildProcess survivor = fixture.launch("/bin/sleep", "30");
        long start = ProcessGroupLedger.startTime(survivor.pid()).orElseThrow();
        // As if the pid had been reused since the record was written.
        Files.writeString(file, "instance " + recordedToken() + "\n" + survivor.pid() + " " + (start + 1) + "\n");

        int signalled = new ProcessGroupLedger(file).cleanupLeftovers(Duration.ofMillis(300));

        assertThat(signalled).isZero();
        assertThat(survivor.exit()).isNotDone();
        assertThat(groupLines()).isEmpty();
    }

    /** A ledger another user planted (or a pgid since reused): a live group without our token is not ours. */
    @Test
    void cleanupSparesALiveGroupThatDoesNotCarryTheRecordedToken() throws Exception {
        Process foreign = new ProcessBuilder("/usr/bin/setsid", "/bin/sleep", "60").start();
        strays.add(foreign.pid());
        int pgid = (int) foreign.pid();
        await().atMost(Duration.ofSeconds(10)).until(() -> liveSessionMembers(pgid).contains((long) pgid));
        Files.writeString(file, "instance 0123456789abcdef0123456789abcdef\n"
                + pgid + " " + ProcessGroupLedger.startTime(pgid).orElseThrow() + "\n");

        int signalled = new ProcessGroupLedger(file).cleanupLeftovers(Duration.ofMillis(300));

        assertThat(signalled).isZero();
        assertThat(foreign.isAlive()).isTrue();
    }

    @Test
    void cleanupSparesAGroupOfAnotherSluiceInstance() throws Exception {
        ChildProcess other = fixture.launch("/bin/sleep", "30");
        Files.writeString(file, "instance ffffffffffffffffffffffffffffffff\n"
                + other.pid() + " " + ProcessGroupLedger.startTime(other.pid()).orElseThrow() + "\n");

        int signalled = new ProcessGroupLedger(file).cleanupLeftovers(Duration.ofMillis(300));

        assertThat(signalled).isZero();
        assertThat(other.exit()).isNotDone();
    }

    /**
     * pgid 1 would be {@code kill(-1, TERM)}: every process Sluice may signal. Never run this against a ledger
     * without the guard: as root it would take the machine down.
     */
    @Test
    void cleanupNeverSignalsProcessGroupOneOrZero() throws Exception {
        Files.writeString(file, "instance 0123456789abcdef0123456789abcdef\n1 "
                + ProcessGroupLedger.startTime(1).orElseThrow() + "\n0 0\n-1 0\n");

        int signalled = new ProcessGroupLedger(file).cleanupLeftovers(Duration.ofMillis(300));

        assertThat(signalled).isZero();
    }

    @Test
    void aSymlinkPlantedAsTheTempFileIsReplacedNotFollowed() throws Exception {
        Path victim = Files.writeString(file.resolveSibling("victim"), "precious\n");
        Files.createSymbolicLink(file.resolveSibling("sluice.pids.tmp"), victim);

        ChildProcess child = fixture.launch("/bin/sleep", "30");

        assertThat(Files.readString(victim)).isEqualTo("precious\n");
        assertThat(groupLines()).singleElement().asString().startsWith(child.pid() + " ");
        assertThat(file).isRegularFile();
    }

    @Test
    void aSymlinkPlantedAsTheLedgerIsRefusedNotRead() throws Exception {
        Path elsewhere = Files.writeString(file.resolveSibling("elsewhere"), "instance " + "a".repeat(32) + "\n");
        Files.createSymbolicLink(file, elsewhere);

        assertThatThrownBy(() -> new ProcessGroupLedger(file).cleanupLeftovers(Duration.ofMillis(300)))
                .isInstanceOf(IOException.class).hasMessageContaining(file + " is a symbolic link");
        assertThat(Files.isSymbolicLink(file)).isTrue();
    }

    /** A scheduler that counts the late writes it was asked for. */
    private static final class CountingScheduler extends ScheduledThreadPoolExecutor {
        final AtomicInteger scheduled = new AtomicInteger();

        CountingScheduler() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            scheduled.incrementAndGet();
            return super.schedule(command, delay, unit);
        }
    }

    /**
     * Per-connection programs come and go at session rates: their records are written late, all changes within the
     * delay in one rewrite, with the start time read at the write; a program gone by then is not written at all.
     */
    @Test
    void lateRecordsShareOneRewriteAndAProgramGoneByThenIsNotWritten() throws Exception {
        CountingScheduler writer = new CountingScheduler();
        try {
            ProcessGroupLedger ledger = new ProcessGroupLedger(file);
            ledger.cleanupLeftovers();
            ledger.deferWritesOn(writer, Duration.ofMillis(300));
            int self = (int) ProcessHandle.current().pid();
            Process gone = new ProcessBuilder("/bin/true").start();
            gone.waitFor(10, TimeUnit.SECONDS);

            ledger.addSoon(self);
            ledger.addSoon((int) gone.pid());
            ledger.addSoon(4_000_000); // above pid_max: never a process
            ledger.removeSoon(4_000_000);
            assertThat(groupLines()).as("nothing before the delay").isEmpty();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(groupLines())
                    .containsExactly(self + " " + ProcessGroupLedger.startTime(self).orElseThrow()));
            assertThat(writer.scheduled).hasValue(1);

            ledger.removeSoon(self);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(groupLines()).isEmpty());
            assertThat(writer.scheduled).hasValue(2);
        } finally {
            writer.shutdownNow();
        }
    }

    private List<String> groupLines() throws IOException {
        return Files.readAllLines(file).stream().filter(l -> !l.startsWith("instance ")).toList();
    }

    private String recordedToken() throws IOException {
        return Files.readAllLines(file).stream().filter(l -> l.startsWith("instance ")).findFirst()
                .map(l -> l.substring("instance ".length())).orElseThrow();
    }

    private static List<String> environ(int pid) throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("/proc", Integer.toString(pid), "environ"))) {
            return Arrays.asList(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\0"));
        }
    }

    /** Pids of the non-zombie processes in session {@code sid}. */
    private static List<Long> liveSessionMembers(long sid) throws IOException {
        List<Long> members = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                String[] fields = statFields(proc);
                if (fields != null && Long.parseLong(fields[3]) == sid && !fields[0].equals("Z")) {
                    members.add(Long.parseLong(proc.getFileName().toString()));
                }
            }
        }
        return members;
    }

    private static boolean isLive(long pid) {
        String[] fields = statFields(Path.of("/proc", Long.toString(pid)));
        return fields != null && !fields[0].equals("Z");
    }

    /** Fields from 3 (state) on of /proc/PID/stat; null when the process is gone. */
    private static String[] statFields(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (IOException e) {
            return null;
        }
    }
}
