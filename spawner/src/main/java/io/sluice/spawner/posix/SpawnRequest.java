package io.sluice.spawner.posix;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One posix_spawn call: the absolute binary, argv (argv[0] included), the complete envp as {@code NAME=value}
 * strings, the working directory, and the parent fds that become the child's 0, 1 and 2.
 */
public record SpawnRequest(Path binary, List<String> argv, List<String> envp, Path cwd,
                           int stdinFd, int stdoutFd, int stderrFd) {

    public SpawnRequest {
        Objects.requireNonNull(binary, "binary");
        Objects.requireNonNull(cwd, "cwd");
        argv = List.copyOf(argv);
        envp = List.copyOf(envp);
        if (!binary.isAbsolute()) {
            throw new IllegalArgumentException("binary must be absolute (posix_spawnp would search the JVM's PATH), got "
                    + binary);
        }
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv must hold at least argv[0]");
        }
        if (stdinFd < 0 || stdoutFd < 0 || stderrFd < 0) {
            throw new IllegalArgumentException("fds 0, 1 and 2 must all be given");
        }
    }
}
