package io.sluice.spawner.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import jnr.ffi.LibraryLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The raw spawn call and its fallbacks, without the process layer. */
class PosixSpawnTest {
    private final List<Integer> pids = new ArrayList<>();
    private final List<Integer> fds = new ArrayList<>();

    @AfterEach
    void tearDown() throws NativeCallException {
        PosixSpawn.closefromAvailable = true;
        PosixSpawn.chdirAvailable = true;
        for (int pid : pids) {
            Posix.kill(pid, Signals.KILL);
            await().atMost(Duration.ofSeconds(10)).until(() -> Posix.reapIfExited(pid).isPresent());
        }
        fds.forEach(Posix::close);
    }

    /** A function glibc lacks must fail when called, not when the binding loads: the fallbacks rely on it. */
    public interface Missing {
        int posix_spawn_file_actions_addnothing_np(int x);
    }

    @Test
    void missingLibcFunctionFailsOnlyWhenCalled() {
        Missing missing = LibraryLoader.create(Missing.class).load("c");

        assertThatThrownBy(() -> missing.posix_spawn_file_actions_addnothing_np(1))
                .isInstanceOf(UnsatisfiedLinkError.class);
    }

    @Test
    void procSelfFdCloseListAndShellChdirFallbacksStillCloseEverythingAndChangeDirectory() throws Exception {
        PosixSpawn.closefromAvailable = false;
        PosixSpawn.chdirAvailable = false;
        int[] leak = Posix.pipe();
        fds.add(leak[0]);
        fds.add(leak[1]);
        Posix.setCloseOnExec(leak[0], false);  // would leak without the close list
        int devNull = openDevNull();
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "sluice");
        try {
            int pid = spawn(List.of("/bin/sleep", "30"), dir, devNull);

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                    Files.readString(Path.of("/proc", Integer.toString(pid), "comm")).strip()).isEqualTo("sleep"));
            try (Stream<Path> open = Files.list(Path.of("/proc", Integer.toString(pid), "fd"))) {
                assertThat(open.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("0", "1", "2");
            }
            assertThat(Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "cwd"))).isEqualTo(dir);
        } finally {
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void exitCodeAndSignalDecodeFromTheRawStatus() throws Exception {
        int devNull = openDevNull();
        int exited = spawn(List.of("/bin/sh", "-c", "exit 3"), Path.of("/"), devNull);
        int killed = spawn(List.of("/bin/sleep", "30"), Path.of("/"), devNull);
        Posix.kill(killed, Signals.TERM);

        int rawExited = awaitStatus(exited);
        int rawKilled = awaitStatus(killed);

        assertThat(WaitStatus.exited(rawExited)).isTrue();
        assertThat(WaitStatus.exitCode(rawExited)).isEqualTo(3);
        assertThat(WaitStatus.exited(rawKilled)).isFalse();
        assertThat(WaitStatus.termSignal(rawKilled)).isEqualTo(Signals.TERM);
        assertThatThrownBy(() -> Posix.reapIfExited(exited))
                .isInstanceOf(NativeCallException.class).hasMessage("waitpid %d: ECHILD (No child processes)", exited);
    }

    @Test
    void spawnFailureCarriesTheErrnoOfTheExec() throws Exception {
        int devNull = openDevNull();

        assertThatThrownBy(() -> spawn(List.of("/nonexistent"), Path.of("/"), devNull))
                .isInstanceOf(NativeCallException.class)
                .hasMessage("posix_spawn /nonexistent: ENOENT (No such file or directory)")
                .satisfies(e -> assertThat(((NativeCallException) e).errnoName()).isEqualTo("ENOENT"));
    }

    @Test
    void pipesAreCloseOnExecAndSignalNamesAreShort() throws Exception {
        int[] pipe = Posix.pipe();
        fds.add(pipe[0]);
        fds.add(pipe[1]);

        assertThat(Posix.isCloseOnExec(pipe[0])).isTrue();
        assertThat(Posix.isCloseOnExec(pipe[1])).isTrue();
        assertThat(Signals.name(9)).isEqualTo("KILL");
        assertThat(Signals.name(15)).isEqualTo("TERM");
        assertThat(NativeCallException.name(13)).isEqualTo("EACCES");
    }

    /**
     * argv and envp live in native blocks that are freed when collected: spawns while another thread keeps forcing
     * collections must still exec exactly what was asked (once seen as EFAULT, or a program given freed memory).
     */
    @Test
    void argvAndEnvpSurviveCollectionsDuringTheSpawn() throws Exception {
        int devNull = openDevNull();
        AtomicBoolean spawning = new AtomicBoolean(true);
        // Garbage as fast as one thread makes it: young collections, which take the unreachable blocks, all the time.
        Thread collector = new Thread(() -> {
            long sink = 0;
            while (spawning.get()) {
                sink += new byte[256 * 1024].length;
            }
            assertThat(sink).isPositive();
        }, "garbage");
        collector.start();
        try {
            for (int i = 0; i < 100; i++) {
                int code = i % 200;
                List<String> env = new ArrayList<>();
                for (int e = 0; e < 50; e++) {
                    env.add("SLUICE_TEST_" + e + "=" + "v".repeat(40) + i);
                }
                env.add("CODE=" + code);
                int pid = PosixSpawn.spawn(new SpawnRequest(Path.of("/bin/sh"),
                        List.of("/bin/sh", "-c", "exit $CODE", "argv-" + "x".repeat(200) + i), env, Path.of("/"),
                        devNull, devNull, devNull));
                pids.add(pid);
                int raw = awaitStatus(pid);
                assertThat(WaitStatus.exited(raw)).as("spawn %d", i).isTrue();
                assertThat(WaitStatus.exitCode(raw)).as("spawn %d", i).isEqualTo(code);
            }
        } finally {
            spawning.set(false);
            collector.join(10_000);
        }
    }

    private int spawn(List<String> argv, Path cwd, int stdio) throws NativeCallException {
        int pid = PosixSpawn.spawn(new SpawnRequest(Path.of(argv.get(0)), argv, List.of("PATH=/usr/bin:/bin"), cwd,
                stdio, stdio, stdio));
        pids.add(pid);
        return pid;
    }

    private int awaitStatus(int pid) {
        int[] raw = new int[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            OptionalInt status = Posix.reapIfExited(pid);
            status.ifPresent(s -> raw[0] = s);
            return status.isPresent();
        });
        pids.remove(Integer.valueOf(pid));
        return raw[0];
    }

    private int openDevNull() throws IOException {
        // A pipe stands in for /dev/null: the children here write nothing.
        int[] pipe = Posix.pipe();
        fds.add(pipe[0]);
        fds.add(pipe[1]);
        return pipe[1];
    }
}
