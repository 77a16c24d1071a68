package io.sluice.spawner.posix;

import static io.sluice.spawner.posix.StdioBinding.STDIO;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Asks whether a child has terminated without reaping it ({@code waitid(WNOWAIT)}): while the dead child stays a
 * zombie, its pid, and so its process group id, cannot be reused, which makes signalling the rest of its group safe.
 * Stateless and thread-safe.
 */
public final class ExitProbe {
    private static final int P_PID = 1;
    private static final int WNOHANG = 1;
    private static final int WEXITED = 4;
    private static final int WNOWAIT = 0x01000000;
    private static final int SIGINFO_SIZE = 128;

    private ExitProbe() {
    }

    /** True when child {@code pid} has terminated and is not reaped yet; false while it runs. */
    public static boolean hasExited(int pid) throws NativeCallException {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be positive, got " + pid);
        }
        // si_pid follows si_signo, si_errno and si_code, at the union's 8-byte alignment on 64-bit ABIs.
        int pidOffset = Posix.runtime().addressSize() == 8 ? 16 : 12;
        Pointer info = Memory.allocateDirect(Posix.runtime(), SIGINFO_SIZE, true);
        while (true) {
            // si_pid stays 0 when WNOHANG finds nothing (the memory starts zeroed).
            if (STDIO.waitid(P_PID, pid, info, WEXITED | WNOHANG | WNOWAIT) == 0) {
                return info.getInt(pidOffset) == pid;
            }
            int errno = Posix.lastError();
            if (errno != Posix.EINTR) {
                throw new NativeCallException("waitid " + pid, errno);
            }
        }
    }
}
