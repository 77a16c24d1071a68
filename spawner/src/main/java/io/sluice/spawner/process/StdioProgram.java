package io.sluice.spawner.process;

import io.sluice.spawner.posix.Posix;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A started per-connection program and the parent's end of its stdin/stdout: a socket (socketpair) or a
 * pseudo-terminal master, non-blocking and close-on-exec, for the tunnel to wrap as a channel on the session's
 * event loop. Until {@link #takeParentEnd()} hands the fd over, this object owns it and {@link #close()} closes it,
 * which gives the program end of file on stdin (a hangup under a pseudo-terminal). Thread-safe.
 */
public final class StdioProgram implements AutoCloseable {
    private static final int GONE = -1;

    private final ChildProcess child;
    private final StdioKind kind;
    private final Path terminal;
    private final AtomicInteger parentEnd;

    /** @param terminal the pseudo-terminal's slave path, or null for a socketpair */
    public StdioProgram(ChildProcess child, StdioKind kind, int parentEnd, Path terminal) {
        this.child = Objects.requireNonNull(child, "child");
        this.kind = Objects.requireNonNull(kind, "kind");
        if (parentEnd < 0) {
            throw new IllegalArgumentException("parent end must be an fd, got " + parentEnd);
        }
        if ((kind == StdioKind.PTY) != (terminal != null)) {
            throw new IllegalArgumentException("a terminal path goes with PTY and only with PTY");
        }
        this.parentEnd = new AtomicInteger(parentEnd);
        this.terminal = terminal;
    }

    public ChildProcess child() {
        return child;
    }

    public StdioKind kind() {
        return kind;
    }

    /** The pseudo-terminal's slave, for example {@code /dev/pts/4}; null for a socketpair. */
    public Path terminal() {
        return terminal;
    }

    /**
     * Hands the parent's end over: from now on the caller owns the fd (a Netty channel built on it closes it).
     *
     * @throws IllegalStateException when it was already taken or closed
     */
    public int takeParentEnd() {
        int fd = parentEnd.getAndSet(GONE);
        if (fd == GONE) {
            throw new IllegalStateException("%s: the parent end was already taken or closed".formatted(child));
        }
        return fd;
    }

    /** Closes the parent's end unless it was taken. Idempotent. The program itself is not signalled. */
    @Override
    public void close() {
        Posix.close(parentEnd.getAndSet(GONE));
    }

    @Override
    public String toString() {
        return "%s on %s".formatted(child, terminal == null ? "a socketpair" : terminal);
    }
}
