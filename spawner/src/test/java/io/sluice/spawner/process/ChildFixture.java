package io.sluice.spawner.process;

import static org.awaitility.Awaitility.await;

import io.sluice.spawner.posix.Signals;
import io.sluice.spawner.spec.LaunchSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Real children for a test: a watcher, a launcher, a socket directory under /tmp, and a close() that KILLs every
 * child's group, waits for the reaping, closes sockets and removes the directory.
 */
final class ChildFixture implements AutoCloseable {
    final Path dir;
    final ExitWatcher watcher;
    final PosixSpawnLauncher launcher;
    private final List<ChildProcess> children = new ArrayList<>();
    private final List<ListenSocket> sockets = new ArrayList<>();

    ChildFixture() throws IOException {
        this(null, false);
    }

    ChildFixture(ProcessGroupLedger ledger, boolean polling) throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "sluice");
        try {
            watcher = polling ? ExitWatcher.startPolling() : ExitWatcher.start();
        } catch (IOException | RuntimeException | Error e) {
            Files.delete(dir);
            throw e;
        }
        launcher = new PosixSpawnLauncher(watcher, ledger);
    }

    ListenSocket socket(String name) throws IOException {
        ListenSocket socket = ListenSocket.unix(dir.resolve(name), 16, 0600);
        sockets.add(socket);
        return socket;
    }

    static LaunchSpec spec(Path cwd, Map<String, String> env, String... argv) {
        return new LaunchSpec(Path.of(argv[0]), List.of(argv), env, cwd, Signals.TERM, Duration.ofSeconds(5), 16,
                0600);
    }

    ChildProcess launch(LaunchSpec spec, ListenSocket socket, Map<String, String> extraEnv) throws SpawnException {
        ChildProcess child = launcher.launch(spec, socket, extraEnv, "test#" + children.size());
        children.add(child);
        return child;
    }

    ChildProcess launch(String... argv) throws IOException {
        return launch(spec(dir, Map.of("PATH", "/usr/bin:/bin"), argv), socket("s" + children.size()), Map.of());
    }

    /** Whether {@code pid} has SIGTERM ignored yet (a shell's {@code trap '' TERM} has run). */
    static boolean ignoresTerm(int pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << (Signals.TERM - 1))) != 0;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        try {
            for (ChildProcess child : children) {
                child.signalGroup(Signals.KILL);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> children.stream().allMatch(c -> c.exit().isDone()));
        } finally {
            sockets.forEach(ListenSocket::close);
            watcher.close();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
