package io.sluice.spawner.process;

import static org.awaitility.Awaitility.await;

import io.sluice.spawner.posix.NativeCallException;
import io.sluice.spawner.posix.Posix;
import io.sluice.spawner.posix.Signals;
import io.sluice.spawner.spec.LaunchSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Real per-connection programs for a test: a watcher, a {@link PosixStdioLauncher}, a working directory under /tmp,
 * and a close() that KILLs every program's group, waits for the reaping, closes the parent ends it still owns and
 * removes the directory.
 */
final class StdioFixture implements AutoCloseable {
    private static final int EIO = 5;

    final Path dir;
    final ExitWatcher watcher;
    final PosixStdioLauncher launcher;
    private final List<StdioProgram> programs = new ArrayList<>();
    private final List<Integer> takenFds = new ArrayList<>();

    StdioFixture() throws IOException {
        this(null);
    }

    StdioFixture(ProcessGroupLedger ledger) throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "sluice");
        try {
            watcher = ExitWatcher.start();
        } catch (IOException | RuntimeException | Error e) {
            Files.delete(dir);
            throw e;
        }
        launcher = new PosixStdioLauncher(watcher, ledger);
    }

    static LaunchSpec spec(Path cwd, Map<String, String> env, String... argv) {
        return new LaunchSpec(Path.of(argv[0]), List.of(argv), env, cwd, Signals.TERM, Duration.ofSeconds(5), 16,
                0600);
    }

    StdioProgram launch(LaunchSpec spec, StdioKind kind, List<byte[]> sessionEnv) throws SpawnException {
        StdioProgram program = launcher.launch(spec, kind, sessionEnv, "prog#" + programs.size());
        programs.add(program);
        return program;
    }

    StdioProgram launch(StdioKind kind, String... argv) throws SpawnException {
        return launch(spec(dir, Map.of("PATH", "/usr/bin:/bin"), argv), kind, List.of());
    }

    /** Takes the program's parent end; the fixture closes it at the end. */
    int take(StdioProgram program) {
        int fd = program.takeParentEnd();
        takenFds.add(fd);
        return fd;
    }

    /** Writes all of {@code text} to a non-blocking fd (small amounts: the buffer has room). */
    static void write(int fd, String text) throws NativeCallException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int done = Posix.write(fd, bytes);
        if (done != bytes.length) {
            throw new IllegalStateException("wrote %d of %d bytes".formatted(done, bytes.length));
        }
    }

    /**
     * Reads what is available now from a non-blocking fd into {@code into}; false once at end of file, which a
     * pseudo-terminal master reports as EIO once no slave is open.
     */
    static boolean readAvailable(int fd, ByteArrayOutputStream into) throws NativeCallException {
        byte[] buffer = new byte[4096];
        while (true) {
            int n;
            try {
                n = Posix.read(fd, buffer);
            } catch (NativeCallException e) {
                if (e.errno() == EIO) {
                    return false;
                }
                throw e;
            }
            if (n < 0) {
                return true;
            }
            if (n == 0) {
                return false;
            }
            into.write(buffer, 0, n);
        }
    }

    static int openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            for (StdioProgram program : programs) {
                program.child().signalGroup(Signals.KILL);
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> programs.stream().allMatch(p -> p.child().exit().isDone()));
        } finally {
            programs.forEach(StdioProgram::close);
            takenFds.forEach(Posix::close);
            watcher.close();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
