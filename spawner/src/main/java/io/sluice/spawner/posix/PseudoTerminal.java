package io.sluice.spawner.posix;

import static io.sluice.spawner.posix.Posix.check;
import static io.sluice.spawner.posix.StdioBinding.STDIO;

import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * A pseudo-terminal's master fd, held by the parent, and its slave's path, which only the child opens (see
 * {@link ChildStdio.Terminal}). Termios and window-size calls on the master apply to the slave (Linux's pty driver
 * forwards them), so the parent configures the terminal without ever opening the slave. Immutable; the caller owns
 * the master fd.
 */
public record PseudoTerminal(int master, Path slave) {
    private static final int O_RDWR = 2;
    private static final int O_NOCTTY = 0400;
    private static final int O_CLOEXEC = 02000000;
    private static final int TCSANOW = 0;
    private static final long TIOCSWINSZ = 0x5414;
    // struct termios is 60 bytes on glibc; room to spare for other ABIs.
    private static final int TERMIOS_SIZE = 256;
    private static final int PATH_MAX = 4096;

    public PseudoTerminal {
        Objects.requireNonNull(slave, "slave");
    }

    /**
     * {@code posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)}, {@code grantpt}, {@code unlockpt}, {@code ptsname_r}: a
     * master that never becomes Sluice's controlling terminal and is not inherited, and its unlocked slave. The
     * master is blocking; the caller sets O_NONBLOCK before handing it to an event loop.
     */
    public static PseudoTerminal open() throws NativeCallException {
        int master = check(STDIO.posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), "posix_openpt");
        try {
            check(STDIO.grantpt(master), "grantpt");
            check(STDIO.unlockpt(master), "unlockpt");
            byte[] name = new byte[PATH_MAX];
            int rc = STDIO.ptsname_r(master, name, name.length);
            if (rc != 0) {
                throw new NativeCallException("ptsname_r", rc);
            }
            int end = 0;
            while (end < name.length && name[end] != 0) {
                end++;
            }
            return new PseudoTerminal(master, Path.of(new String(name, 0, end, StandardCharsets.UTF_8)));
        } catch (NativeCallException | RuntimeException e) {
            Posix.close(master);
            throw e;
        }
    }

    /**
     * {@code cfmakeraw}: no echo, no line editing, no signal characters, no CR/NL translation either way. Bytes pass
     * through the terminal unchanged, as through a socketpair; only the program's own {@code isatty} differs.
     */
    public void makeRaw() throws NativeCallException {
        Pointer termios = Memory.allocateDirect(Posix.runtime(), TERMIOS_SIZE, true);
        check(STDIO.tcgetattr(master, termios), "tcgetattr " + slave);
        STDIO.cfmakeraw(termios);
        check(STDIO.tcsetattr(master, TCSANOW, termios), "tcsetattr " + slave);
        Reference.reachabilityFence(termios); // freed when collected: alive until the call has read it
    }

    /** {@code TIOCSWINSZ}: the size the program sees (0 x 0 until set, which confuses full-screen programs). */
    public void setWindowSize(int columns, int rows) throws NativeCallException {
        if (columns < 1 || columns > 0xFFFF || rows < 1 || rows > 0xFFFF) {
            throw new IllegalArgumentException("window size must be 1..65535 each, got %dx%d".formatted(columns, rows));
        }
        Pointer size = Memory.allocateDirect(Posix.runtime(), 8, true);
        size.putShort(0, (short) rows);
        size.putShort(2, (short) columns);
        check(STDIO.ioctl(master, TIOCSWINSZ, size), "ioctl(TIOCSWINSZ) " + slave);
        Reference.reachabilityFence(size);
    }
}
