package io.sluice.spawner.posix;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One posix_spawn call: the absolute binary, argv (argv[0] included), the complete envp as {@code NAME=value} byte
 * strings (passed to the child exactly; none may hold a NUL), the working directory, where fds 0 and 1 come from,
 * and the parent fd that becomes the child's 2. The byte arrays are not copied: callers hand them over.
 */
public record SpawnRequest(Path binary, List<String> argv, List<byte[]> envp, Path cwd, ChildStdio stdio,
                           int stderrFd) {

    public SpawnRequest {
        Objects.requireNonNull(binary, "binary");
        Objects.requireNonNull(cwd, "cwd");
        Objects.requireNonNull(stdio, "stdio");
        argv = List.copyOf(argv);
        envp = List.copyOf(envp);
        if (!binary.isAbsolute()) {
            throw new IllegalArgumentException("binary must be absolute (posix_spawnp would search the JVM's PATH), got "
                    + binary);
        }
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv must hold at least argv[0]");
        }
        if (stderrFd < 0) {
            throw new IllegalArgumentException("fd 2 must be given");
        }
        for (byte[] entry : envp) {
            if (indexOf(entry, (byte) 0) >= 0 || indexOf(entry, (byte) '=') <= 0) {
                throw new IllegalArgumentException("environment entry must be NAME=value without NUL, got "
                        + new String(entry, StandardCharsets.ISO_8859_1));
            }
        }
    }

    /** A worker's request: {@code envp} as UTF-8 {@code NAME=value} strings, three parent fds for 0, 1 and 2. */
    public SpawnRequest(Path binary, List<String> argv, List<String> envp, Path cwd, int stdinFd, int stdoutFd,
                        int stderrFd) {
        this(binary, argv, envp.stream().map(e -> e.getBytes(StandardCharsets.UTF_8)).toList(), cwd,
                new ChildStdio.Fds(stdinFd, stdoutFd), stderrFd);
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
