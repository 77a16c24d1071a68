package io.sluice.spawner.posix;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalInt;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.util.DefaultPOSIXHandler;

/**
 * The spawner's door to libc: jnr-posix for waitpid, kill, close, getpid and geteuid, the {@link LibC} binding for the
 * rest. Every failure is a {@link NativeCallException} naming the call and the errno. Linux constants only.
 * Thread-safe.
 */
public final class Posix {
    static final int O_NONBLOCK = 04000;
    static final int O_CLOEXEC = 02000000;
    static final int F_GETFD = 1;
    static final int F_SETFD = 2;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final int FD_CLOEXEC = 1;
    static final int WNOHANG = 1;
    static final int EINTR = 4;
    static final int ESRCH = 3;
    static final int EAGAIN = 11;
    static final int ECHILD = 10;
    private static final long SYS_PIDFD_OPEN = 434;

    static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    private static final POSIX POSIX = POSIXFactory.getNativePOSIX(new DefaultPOSIXHandler());

    private Posix() {
    }

    static Runtime runtime() {
        return RUNTIME;
    }

    /** errno of the last {@link LibC} call on this thread. */
    static int lastError() {
        return RUNTIME.getLastError();
    }

    static int check(int result, String what) throws NativeCallException {
        if (result < 0) {
            throw new NativeCallException(what, lastError());
        }
        return result;
    }

    public static int getpid() {
        return POSIX.getpid();
    }

    /**
     * {@code waitpid(pid, WNOHANG)}: the raw status once the child has terminated and is now reaped, empty while it
     * runs. Never called with -1 (that would steal the JDK reaper's statuses).
     */
    public static OptionalInt reapIfExited(int pid) throws NativeCallException {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be positive, got " + pid);
        }
        int[] status = new int[1];
        long r;
        do {
            r = POSIX.waitpid(pid, status, WNOHANG);
        } while (r < 0 && POSIX.errno() == EINTR);
        if (r < 0) {
            throw new NativeCallException("waitpid " + pid, POSIX.errno());
        }
        return r == 0 ? OptionalInt.empty() : OptionalInt.of(status[0]);
    }

    /**
     * {@code kill(pid, signal)} to one process; false when no such process (ESRCH), any other failure throws.
     *
     * @throws IllegalArgumentException for {@code pid <= 1}: 0 and negative pids name groups (-1 every process
     *         Sluice may signal), 1 is init; groups go through {@link #killGroup}
     */
    public static boolean kill(int pid, int signal) throws NativeCallException {
        if (pid <= 1) {
            throw new IllegalArgumentException("refusing kill(%d, %s): not a single process other than init"
                    .formatted(pid, Signals.name(signal)));
        }
        return send(pid, signal);
    }

    /**
     * {@code kill(-pgid, signal)} to every process of group {@code pgid}; false when the group is empty (ESRCH).
     *
     * @throws IllegalArgumentException for {@code pgid <= 1}: {@code kill(-1)} reaches every process Sluice may
     *         signal (under root, all of them) and {@code kill(0)} Sluice's own group; no worker group is either
     */
    public static boolean killGroup(int pgid, int signal) throws NativeCallException {
        if (pgid <= 1) {
            throw new IllegalArgumentException("refusing to signal process group %d with %s: not a worker's group"
                    .formatted(pgid, Signals.name(signal)));
        }
        return send(-pgid, signal);
    }

    private static boolean send(int target, int signal) throws NativeCallException {
        if (POSIX.kill(target, signal) == 0) {
            return true;
        }
        int errno = POSIX.errno();
        if (errno == ESRCH) {
            return false;
        }
        throw new NativeCallException("kill(%d, %s)".formatted(target, Signals.name(signal)), errno);
    }

    /** The effective uid: who owns what Sluice creates, and who must own its runtime-dir. */
    public static int geteuid() {
        return POSIX.geteuid();
    }

    /** Closes {@code fd}, ignoring EBADF and EINTR (on Linux the fd is gone either way). */
    public static void close(int fd) {
        if (fd >= 0) {
            POSIX.close(fd);
        }
    }

    /** A pipe whose both ends are O_CLOEXEC: {@code [readEnd, writeEnd]}. */
    public static int[] pipe() throws NativeCallException {
        int[] fds = new int[2];
        check(LIBC.pipe2(fds, O_CLOEXEC), "pipe2");
        return fds;
    }

    public static void setCloseOnExec(int fd, boolean on) throws NativeCallException {
        int flags = check(LIBC.fcntl(fd, F_GETFD, 0), "fcntl(F_GETFD)");
        check(LIBC.fcntl(fd, F_SETFD, on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC), "fcntl(F_SETFD)");
    }

    public static void setNonBlocking(int fd, boolean on) throws NativeCallException {
        int flags = check(LIBC.fcntl(fd, F_GETFL, 0), "fcntl(F_GETFL)");
        check(LIBC.fcntl(fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK), "fcntl(F_SETFL)");
    }

    public static boolean isCloseOnExec(int fd) throws NativeCallException {
        return (check(LIBC.fcntl(fd, F_GETFD, 0), "fcntl(F_GETFD)") & FD_CLOEXEC) != 0;
    }

    public static boolean isNonBlocking(int fd) throws NativeCallException {
        return (check(LIBC.fcntl(fd, F_GETFL, 0), "fcntl(F_GETFL)") & O_NONBLOCK) != 0;
    }

    public static void chmod(Path path, int mode) throws NativeCallException {
        check(LIBC.chmod(path.toString(), mode), "chmod " + path);
    }

    /** {@code pidfd_open(pid, 0)} through syscall 434 (Linux 5.3+); the fd is always close-on-exec. */
    public static int pidfdOpen(int pid) throws NativeCallException {
        long fd = LIBC.syscall(SYS_PIDFD_OPEN, pid, 0);
        if (fd < 0) {
            throw new NativeCallException("pidfd_open " + pid, lastError());
        }
        return (int) fd;
    }

    /** Writes one byte to a non-blocking fd, ignoring a full pipe (the reader is woken either way). */
    public static void writeByte(int fd) {
        LIBC.write(fd, new byte[] {1}, 1);
    }

    /**
     * Writes as much of {@code bytes} as a non-blocking fd takes now: the count written (0 when it is full, EAGAIN).
     */
    public static int write(int fd, byte[] bytes) throws NativeCallException {
        int done = 0;
        while (done < bytes.length) {
            byte[] rest = done == 0 ? bytes : Arrays.copyOfRange(bytes, done, bytes.length);
            long n = LIBC.write(fd, rest, rest.length);
            if (n >= 0) {
                done += (int) n;
                continue;
            }
            int errno = lastError();
            if (errno == EAGAIN) {
                return done;
            }
            if (errno != EINTR) {
                throw new NativeCallException("write fd " + fd, errno);
            }
        }
        return done;
    }

    /** Like {@link #read} but reports any failure as -1; for draining a wake-up pipe. */
    public static int readQuietly(int fd, byte[] buffer) {
        long n = LIBC.read(fd, buffer, buffer.length);
        return (int) Math.max(n, -1);
    }

    /**
     * Reads up to {@code buffer.length} bytes from a non-blocking fd: the count, 0 at end of file, -1 when nothing is
     * available now (EAGAIN).
     */
    public static int read(int fd, byte[] buffer) throws NativeCallException {
        while (true) {
            long n = LIBC.read(fd, buffer, buffer.length);
            if (n >= 0) {
                return (int) n;
            }
            int errno = lastError();
            if (errno == EAGAIN) {
                return -1;
            }
            if (errno != EINTR) {
                throw new NativeCallException("read fd " + fd, errno);
            }
        }
    }
}
