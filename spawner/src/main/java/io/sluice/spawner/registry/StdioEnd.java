package io.sluice.spawner.registry;

/**
 * The tunnel's end of a per-connection program's stdin and stdout, handed over once by {@link Lease#takeStdio()}: a
 * non-blocking, close-on-exec file descriptor, either a socket (one end of a socketpair) or, when {@code terminal}, a
 * pseudo-terminal master. Whoever holds it owns it and must close it. Immutable.
 */
public record StdioEnd(int fd, boolean terminal) {
    public StdioEnd {
        if (fd < 0) {
            throw new IllegalArgumentException("a stdio end must be a file descriptor, got " + fd);
        }
    }
}
