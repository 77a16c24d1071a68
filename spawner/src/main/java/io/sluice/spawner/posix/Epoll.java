package io.sluice.spawner.posix;

import static io.sluice.spawner.posix.Posix.LIBC;
import static io.sluice.spawner.posix.Posix.check;

import java.lang.ref.Reference;
import jnr.ffi.Memory;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;

/**
 * One level-triggered epoll instance whose events carry a caller-chosen {@code long} token. {@link #add} and
 * {@link #remove} may be called from any thread while one thread sits in {@link #await}; {@code await} itself and
 * the returned event view belong to that one thread.
 */
public final class Epoll implements AutoCloseable {
    public static final int IN = 0x001;
    public static final int ERR = 0x008;
    public static final int HUP = 0x010;
    private static final int EPOLL_CLOEXEC = 02000000;
    private static final int CTL_ADD = 1;
    private static final int CTL_DEL = 2;
    // struct epoll_event is packed on x86_64 (12 bytes), naturally aligned elsewhere (16 bytes).
    private static final boolean PACKED = Platform.getNativePlatform().getCPU() == Platform.CPU.X86_64;
    private static final int EVENT_SIZE = PACKED ? 12 : 16;
    private static final int DATA_OFFSET = PACKED ? 4 : 8;

    private final int fd;
    private final int capacity;
    private final Pointer events;
    private int ready;

    public Epoll(int capacity) throws NativeCallException {
        this.fd = check(LIBC.epoll_create1(EPOLL_CLOEXEC), "epoll_create1");
        this.capacity = capacity;
        this.events = Memory.allocateDirect(Posix.runtime(), capacity * EVENT_SIZE, true);
    }

    public void add(int watchedFd, int eventMask, long token) throws NativeCallException {
        Pointer event = Memory.allocateDirect(Posix.runtime(), EVENT_SIZE, true);
        event.putInt(0, eventMask);
        event.putLong(DATA_OFFSET, token);
        check(LIBC.epoll_ctl(fd, CTL_ADD, watchedFd, event), "epoll_ctl(ADD, fd %d)".formatted(watchedFd));
        Reference.reachabilityFence(event); // freed when collected: alive until the call has read it
    }

    /** Stops watching {@code watchedFd}; call it before closing the fd. */
    public void remove(int watchedFd) throws NativeCallException {
        Pointer event = Memory.allocateDirect(Posix.runtime(), EVENT_SIZE, true);
        check(LIBC.epoll_ctl(fd, CTL_DEL, watchedFd, event), "epoll_ctl(DEL, fd %d)".formatted(watchedFd));
        Reference.reachabilityFence(event);
    }

    /** Waits up to {@code timeoutMillis} (-1: forever) and returns how many events are ready (0 on EINTR). */
    public int await(int timeoutMillis) throws NativeCallException {
        int n = LIBC.epoll_wait(fd, events, capacity, timeoutMillis);
        if (n < 0) {
            if (Posix.lastError() == Posix.EINTR) {
                ready = 0;
                return 0;
            }
            throw new NativeCallException("epoll_wait", Posix.lastError());
        }
        ready = n;
        return n;
    }

    public int mask(int index) {
        checkIndex(index);
        return events.getInt((long) index * EVENT_SIZE);
    }

    public long token(int index) {
        checkIndex(index);
        return events.getLong((long) index * EVENT_SIZE + DATA_OFFSET);
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= ready) {
            throw new IndexOutOfBoundsException(index);
        }
    }

    @Override
    public void close() {
        Posix.close(fd);
    }
}
