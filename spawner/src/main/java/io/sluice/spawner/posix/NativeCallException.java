package io.sluice.spawner.posix;

import java.io.IOException;
import jnr.constants.platform.Errno;

/**
 * A libc call failed with an errno. The message names the call, the errno name and its description, for example
 * {@code "bind /run/echo.sock: EADDRINUSE (Address already in use)"}. Immutable.
 */
public final class NativeCallException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    public NativeCallException(String what, int errno) {
        super("%s: %s".formatted(what, describe(errno)));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    /** The symbolic name, for example {@code ENOENT}; {@code errno N} when unknown. */
    public String errnoName() {
        return name(errno);
    }

    /** {@code ENOENT}, or {@code errno N} when the number is unknown. */
    public static String name(int errno) {
        Errno e = Errno.valueOf(errno);
        return e == Errno.__UNKNOWN_CONSTANT__ ? "errno " + errno : e.name();
    }

    /** {@code ENOENT (No such file or directory)}. */
    public static String describe(int errno) {
        if (errno == 0) {
            return "failed";
        }
        Errno e = Errno.valueOf(errno);
        return e == Errno.__UNKNOWN_CONSTANT__ ? "errno " + errno : e.name() + " (" + e.description() + ")";
    }
}
