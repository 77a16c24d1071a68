package io.sluice.spawner.posix;

import java.nio.file.Path;
import java.util.Objects;

/** Where a spawned child's fd 0 and 1 come from. Immutable. */
public sealed interface ChildStdio permits ChildStdio.Fds, ChildStdio.Terminal {

    /** Parent fds dup2'd onto 0 and 1 (the same fd twice for one end of a socketpair). */
    record Fds(int stdin, int stdout) implements ChildStdio {
        public Fds {
            if (stdin < 0 || stdout < 0) {
                throw new IllegalArgumentException("fds 0 and 1 must both be given");
            }
        }
    }

    /**
     * A pseudo-terminal's slave, opened by the child onto fd 0 (without O_NOCTTY) and dup2'd to 1. glibc runs
     * POSIX_SPAWN_SETSID before the file actions, so the child, a fresh session leader with no terminal, acquires
     * the slave as its controlling terminal with that open. The parent never opens the slave: once the child and
     * everything it started have closed it, the master reads end of file (EIO).
     */
    record Terminal(Path slave) implements ChildStdio {
        public Terminal {
            Objects.requireNonNull(slave, "slave");
        }
    }
}
