package io.sluice.spawner.posix;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.byref.IntByReference;

/**
 * The jnr-ffi binding of the libc calls jnr-posix lacks or gets wrong (posix_spawn itself is in {@link LibCStdio}).
 * Public only because jnr-ffi generates its implementation in another class loader; use {@link Posix} and
 * friends instead. Functions glibc may lack ({@code addclosefrom_np} before 2.34, {@code addchdir_np} before 2.29) throw
 * {@link UnsatisfiedLinkError} when called. Thread-safe, as libc is.
 */
@SaveError
public interface LibC {

    int posix_spawn_file_actions_init(Pointer fileActions);

    int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

    int posix_spawn_file_actions_addclose(Pointer fileActions, int fd);

    int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

    int posix_spawn_file_actions_addchdir_np(Pointer fileActions, @In String path);

    int posix_spawn_file_actions_destroy(Pointer fileActions);

    int posix_spawnattr_init(Pointer attr);

    int posix_spawnattr_setflags(Pointer attr, short flags);

    int posix_spawnattr_setsigmask(Pointer attr, @In Pointer sigset);

    int posix_spawnattr_setsigdefault(Pointer attr, @In Pointer sigset);

    int posix_spawnattr_destroy(Pointer attr);

    int sigemptyset(Pointer sigset);

    int sigfillset(Pointer sigset);

    int pipe2(@Out int[] fds, int flags);

    int socket(int domain, int type, int protocol);

    int bind(int fd, @In Pointer address, int length);

    int listen(int fd, int backlog);

    int setsockopt(int fd, int level, int option, @In IntByReference value, int length);

    int getsockname(int fd, Pointer address, IntByReference length);

    int fcntl(int fd, int command, int argument);

    int chmod(@In String path, int mode);

    long syscall(long number, long arg1, long arg2);

    int epoll_create1(int flags);

    int epoll_ctl(int epollFd, int operation, int fd, @In Pointer event);

    int epoll_wait(int epollFd, Pointer events, int maxEvents, int timeoutMillis);

    long read(int fd, @Out byte[] buffer, long count);

    long write(int fd, @In byte[] buffer, long count);

    int close(int fd);
}
