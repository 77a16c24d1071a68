package io.sluice.spawner.posix;

/** Where a spawned child's fd 0 and 1 come from. Immutable. */
public sealed interface ChildStdio permits ChildStdio.Fds {

    /** Parent fds dup2'd onto 0 and 1 (the same fd twice for one end of a socketpair). */
    record Fds(int stdin, int stdout) implements ChildStdio {
        public Fds {
            if (stdin < 0 || stdout < 0) {
                throw new IllegalArgumentException("fds 0 and 1 must both be given");
            }
        }
    }
}
