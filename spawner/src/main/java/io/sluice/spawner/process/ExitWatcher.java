package io.sluice.spawner.process;

import io.sluice.spawner.posix.Epoll;
import io.sluice.spawner.posix.NativeCallException;
import io.sluice.spawner.posix.Posix;
import io.sluice.spawner.spec.OutputLevels;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detects the exit of every child and logs their output, on one daemon thread ("sluice-reaper") that epoll-waits on
 * each child's pidfd and stdout/stderr pipes. A readable pidfd is followed by {@code waitpid(pid, WNOHANG)} for that
 * pid only (never -1, which would steal the JDK's statuses). Where pidfd_open fails (ENOSYS, EPERM under seccomp) the
 * same loop wakes every 50 ms and sweeps {@code waitpid(pid, WNOHANG)} over the children that lack a pidfd. Output
 * is read at full speed and logged within each worker's {@link OutputBudget}; while dropped lines wait for their
 * report, the loop also wakes once a second to write it.
 *
 * <p>Threading: {@link #watch} and {@link #close} may be called from any thread. Exit futures are completed on
 * the reaper thread, so dependents must not run long there: consumers use {@code whenCompleteAsync(…, executor)}
 * with their own executor (the supervisor's).
 */
public final class ExitWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExitWatcher.class);
    private static final int POLL_MILLIS = 50;
    private static final int REPORT_MILLIS = (int) (OutputBudget.REPORT_INTERVAL_NANOS / 1_000_000);
    private static final int KIND_PIDFD = 0;
    private static final int KIND_STDOUT = 1;
    private static final int KIND_STDERR = 2;
    private static final int KIND_WAKEUP = 3;

    private final Epoll epoll;
    private final int wakeRead;
    private final int wakeWrite;
    private final Thread thread;
    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<Long, WatchedChild> children = new ConcurrentHashMap<>();
    private final Map<Long, WatchedChild> polled = new ConcurrentHashMap<>();
    private final boolean pidfdAllowed;
    private volatile boolean running = true;

    private ExitWatcher(boolean pidfdAllowed) throws NativeCallException {
        this.pidfdAllowed = pidfdAllowed;
        this.epoll = new Epoll(64);
        int[] wake = Posix.pipe();
        this.wakeRead = wake[0];
        this.wakeWrite = wake[1];
        Posix.setNonBlocking(wakeRead, true);
        Posix.setNonBlocking(wakeWrite, true);
        epoll.add(wakeRead, Epoll.IN, KIND_WAKEUP);
        this.thread = new Thread(this::loop, "sluice-reaper");
        thread.setDaemon(true);
    }

    /** Creates the watcher and starts its thread. */
    public static ExitWatcher start() throws NativeCallException {
        ExitWatcher watcher = new ExitWatcher(true);
        watcher.thread.start();
        return watcher;
    }

    /** A watcher that never asks for a pidfd, as on kernels before 5.3; for tests of the fallback. */
    static ExitWatcher startPolling() throws NativeCallException {
        ExitWatcher watcher = new ExitWatcher(false);
        watcher.thread.start();
        return watcher;
    }

    /**
     * Watches child {@code pid} (ours, not yet reaped, leader of its own process group) and takes ownership of the
     * read ends of its output pipes, which must be non-blocking. The child's exit future completes on the reaper
     * thread once the child is reaped.
     */
    public ChildProcess watch(int pid, int stdoutFd, int stderrFd, String logName)
            throws NativeCallException {
        return watch(pid, stdoutFd, stderrFd, logName, OutputLevels.DEFAULT, false);
    }

    /** As {@link #watch(int, int, int, String)}, its output lines logged at {@code levels}. */
    public ChildProcess watch(int pid, int stdoutFd, int stderrFd, String logName, OutputLevels levels)
            throws NativeCallException {
        return watch(pid, stdoutFd, stderrFd, logName, levels, false);
    }

    /**
     * Watches a per-connection program {@code pid} (ours, not yet reaped, leader of its own session) whose stdout is
     * the tunnel's, and takes ownership of the non-blocking read end of its stderr pipe. When the program exits,
     * whatever is left in its process group is killed (SIGKILL) before the program is reaped, while its zombie still
     * holds the group id: nothing it started outlives it, and a grandchild holding the program's stdout open cannot
     * keep the tunnel from seeing end of file.
     */
    public ChildProcess watchProgram(int pid, int stderrFd, String logName, OutputLevels levels)
            throws NativeCallException {
        return watch(pid, -1, stderrFd, logName, levels, true);
    }

    private ChildProcess watch(int pid, int stdoutFd, int stderrFd, String logName, OutputLevels levels,
                               boolean killGroupAtExit) throws NativeCallException {
        Objects.requireNonNull(logName, "logName");
        Objects.requireNonNull(levels, "levels");
        if (!running) {
            throw new IllegalStateException("exit watcher is closed");
        }
        long id = nextId.getAndIncrement();
        WatchedChild child = new WatchedChild(id, pid, logName, stdoutFd, stderrFd, levels, killGroupAtExit);
        children.put(id, child);
        if (stdoutFd >= 0) {
            epoll.add(stdoutFd, Epoll.IN, token(id, KIND_STDOUT));
        }
        epoll.add(stderrFd, Epoll.IN, token(id, KIND_STDERR));
        try {
            if (!pidfdAllowed) {
                throw new NativeCallException("pidfd_open " + pid + " (disabled)", 38); // ENOSYS
            }
            child.pidfd = Posix.pidfdOpen(pid);
            epoll.add(child.pidfd, Epoll.IN, token(id, KIND_PIDFD));
        } catch (NativeCallException e) {
            LOG.debug("pidfd_open {} failed ({}); polling waitpid every {} ms", pid, e.errnoName(), POLL_MILLIS);
            polled.put(id, child);
            Posix.writeByte(wakeWrite);
        }
        return new ChildProcess(logName, pid, child.exit, child::signalGroup, child::isExiting);
    }

    /** True when some child is watched by the 50 ms waitpid sweep because pidfd_open failed (diagnostics). */
    public boolean isPolling() {
        return !polled.isEmpty();
    }

    private void loop() {
        byte[] buffer = new byte[OutputLines.MAX_LINE];
        while (running) {
            int ready;
            try {
                ready = epoll.await(waitMillis());
            } catch (NativeCallException e) {
                LOG.error("reaper stopped: {}", e.getMessage());
                break;
            }
            for (int i = 0; i < ready; i++) {
                long token = epoll.token(i);
                int kind = (int) (token & 3);
                if (kind == KIND_WAKEUP) {
                    while (Posix.readQuietly(wakeRead, buffer) > 0) {
                        // drained
                    }
                    continue;
                }
                WatchedChild child = children.get(token >>> 2);
                if (child != null) {
                    handle(child, kind, buffer);
                }
            }
            for (WatchedChild child : polled.values()) {
                handle(child, KIND_PIDFD, buffer);
            }
            for (WatchedChild child : children.values()) {
                child.reportDroppedOutput();
            }
        }
        shutDown();
    }

    /** How long epoll may wait: for ever, unless a waitpid sweep or a report of dropped output lines is pending. */
    private int waitMillis() {
        if (!polled.isEmpty()) {
            return POLL_MILLIS;
        }
        for (WatchedChild child : children.values()) {
            if (child.hasDroppedOutput()) {
                return REPORT_MILLIS;
            }
        }
        return -1;
    }

    private void handle(WatchedChild child, int kind, byte[] buffer) {
        try {
            if (kind == KIND_PIDFD) {
                ExitStatus status;
                try {
                    status = child.reapIfExited();
                } catch (NativeCallException e) {
                    // ECHILD: someone else reaped it (SIGCHLD ignored, or a waitpid(-1) elsewhere). Stop watching,
                    // or the readable pidfd would spin this loop.
                    stopWatchingExit(child);
                    child.markReaped();
                    forgetIfDone(child);
                    child.exit.completeExceptionally(new IllegalStateException(
                            "worker %s pid %d: exit status lost: %s".formatted(child.logName, child.pid,
                                    e.getMessage()), e));
                    return;
                }
                if (status != null) {
                    stopWatchingExit(child);
                    child.drain(buffer, epoll);
                    forgetIfDone(child);
                    child.exit.complete(status);
                }
            } else {
                child.readOnce(kind == KIND_STDERR, buffer, epoll);
                forgetIfDone(child);
            }
        } catch (NativeCallException | RuntimeException e) {
            LOG.error("worker {} pid {}: reaper failed: {}", child.logName, child.pid, e.toString());
        }
    }

    private void stopWatchingExit(WatchedChild child) throws NativeCallException {
        if (child.pidfd >= 0) {
            epoll.remove(child.pidfd);
            Posix.close(child.pidfd);
            child.pidfd = -1;
        }
        polled.remove(child.id);
    }

    private void forgetIfDone(WatchedChild child) {
        if (child.isDone()) {
            children.remove(child.id);
        }
    }

    private static long token(long id, int kind) {
        return (id << 2) | kind;
    }

    /** Stops the reaper thread and releases its fds; children keep running and their futures fail. Idempotent. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        Posix.writeByte(wakeWrite);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void shutDown() {
        for (WatchedChild child : children.values()) {
            child.closeAll();
            child.exit.completeExceptionally(new IllegalStateException(
                    "exit watcher closed before worker %s pid %d was reaped".formatted(child.logName, child.pid)));
        }
        children.clear();
        polled.clear();
        epoll.close();
        Posix.close(wakeRead);
        Posix.close(wakeWrite);
    }
}
