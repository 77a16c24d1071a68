package io.sluice.spawner.posix;

import static io.sluice.spawner.posix.Posix.check;
import static io.sluice.spawner.posix.StdioBinding.STDIO;

/**
 * Connected AF_UNIX stream socket pairs: a per-connection program's stdin and stdout on one end, the tunnel on the
 * other (reference/native-spawning.md §5). Stateless and thread-safe.
 */
public final class SocketPair {
    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int SHUT_WR = 1;

    private SocketPair() {
    }

    /**
     * {@code socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC)}: two connected, blocking ends, both close-on-exec from
     * birth so no concurrent spawn inherits either ({@code dup2} clears the flag on the child's copies).
     */
    public static int[] open() throws NativeCallException {
        int[] fds = new int[2];
        check(STDIO.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), "socketpair(AF_UNIX)");
        return fds;
    }

    /** {@code shutdown(fd, SHUT_WR)}: the peer reads end of file once it has read what was sent. */
    public static void shutdownOutput(int fd) throws NativeCallException {
        check(STDIO.shutdown(fd, SHUT_WR), "shutdown(SHUT_WR) fd " + fd);
    }
}
