package io.sluice.spawner.posix;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.byref.IntByReference;

/**
 * The jnr-ffi binding of what per-connection programs need beyond {@link LibC}: posix_spawn with argv and envp as
 * raw byte strings (header values are bytes, not UTF-16), socketpair, pseudo-terminals, termios and waitid. Kept
 * apart from {@link LibC} so the two bindings grow independently. Public only because jnr-ffi generates its
 * implementation in another class loader; use {@link PosixSpawn}, {@link SocketPair} and {@link PseudoTerminal}.
 * Thread-safe, as libc is.
 */
@SaveError
public interface LibCStdio {

    /** {@code argv} and {@code envp} point to NULL-terminated arrays of NUL-terminated strings in native memory. */
    int posix_spawn(@Out IntByReference pid, @In String path, @In Pointer fileActions, @In Pointer attr,
                    @In Pointer argv, @In Pointer envp);

    int posix_spawn_file_actions_addopen(Pointer fileActions, int fd, @In String path, int flags, int mode);

    int socketpair(int domain, int type, int protocol, @Out int[] fds);

    int shutdown(int fd, int how);

    int posix_openpt(int flags);

    int grantpt(int fd);

    int unlockpt(int fd);

    int ptsname_r(int fd, @Out byte[] buffer, long length);

    int tcgetattr(int fd, Pointer termios);

    int tcsetattr(int fd, int when, @In Pointer termios);

    void cfmakeraw(Pointer termios);

    int ioctl(int fd, long request, @In Pointer argument);

    int waitid(int idType, int id, Pointer info, int options);
}
