package io.sluice.spawner.process;

/** How a per-connection program's stdin and stdout reach the tunnel. */
public enum StdioKind {
    /** One end of an AF_UNIX socketpair as fd 0 and 1; the tunnel holds the other end (a socket). */
    SOCKETPAIR,
    /**
     * A pseudo-terminal's slave as fd 0 and 1 and as the controlling terminal, in raw mode; the tunnel holds the
     * master (not a socket: it needs read/write, not recv/send).
     */
    PTY
}
