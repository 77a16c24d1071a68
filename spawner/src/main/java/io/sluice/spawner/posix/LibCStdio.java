package io.sluice.spawner.posix;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.byref.IntByReference;

/**
 * The jnr-ffi binding of what per-connection programs need beyond {@link LibC}: posix_spawn with argv and envp as
 * raw byte strings (header values are bytes, not UTF-16), socketpair and waitid. Kept
 * apart from {@link LibC} so the two bindings grow independently. Public only because jnr-ffi generates its
 * implementation in another class loader; use {@link PosixSpawn}, {@link SocketPair} and {@link ExitProbe}.
 * Thread-safe, as libc is.
 */
@SaveError
public interface LibCStdio {

    /** {@code argv} and {@code envp} point to NULL-terminated arrays of NUL-terminated strings in native memory. */
    int posix_spawn(@Out IntByReference pid, @In String path, @In Pointer fileActions, @In Pointer attr,
                    @In Pointer argv, @In Pointer envp);

    int socketpair(int domain, int type, int protocol, @Out int[] fds);

    int shutdown(int fd, int how);

    int waitid(int idType, int id, Pointer info, int options);
}
