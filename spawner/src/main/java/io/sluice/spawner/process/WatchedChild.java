package io.sluice.spawner.process;

import io.sluice.spawner.posix.Epoll;
import io.sluice.spawner.posix.ExitProbe;
import io.sluice.spawner.posix.NativeCallException;
import io.sluice.spawner.posix.Posix;
import java.io.IOException;
import java.io.UncheckedIOException;
import io.sluice.spawner.posix.Signals;
import io.sluice.spawner.spec.OutputLevels;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * The reaper's record of one child: pid, pidfd, output pipes and the exit future. Reaping and group signalling are
 * serialised on this object, so a group is never signalled after its leader was reaped (the pgid could be reused).
 * Otherwise confined to the reaper thread.
 */
final class WatchedChild {
    final long id;
    final int pid;
    final String logName;
    final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    volatile int pidfd = -1;
    private int stdoutFd;
    private int stderrFd;
    private final OutputLines stdout;
    private final OutputLines stderr;
    private final OutputBudget outputBudget;
    private final boolean killGroupAtExit;
    private boolean reaped;

    /** @param stdoutFd -1 when the child's stdout is not a pipe to log */
    WatchedChild(long id, int pid, String logName, int stdoutFd, int stderrFd, OutputLevels levels,
                 boolean killGroupAtExit) {
        this.id = id;
        this.pid = pid;
        this.logName = logName;
        this.stdoutFd = stdoutFd;
        this.stderrFd = stderrFd;
        this.outputBudget = new OutputBudget(logName, pid);
        this.stdout = new OutputLines(logName, pid, levels.stdout(), outputBudget);
        this.stderr = new OutputLines(logName, pid, levels.stderr(), outputBudget);
        this.killGroupAtExit = killGroupAtExit;
    }

    synchronized ExitStatus reapIfExited() throws NativeCallException {
        if (reaped) {
            return null;
        }
        if (killGroupAtExit) {
            if (!ExitProbe.hasExited(pid)) {
                return null;
            }
            // The unreaped leader pins its pgid, so this reaches only what it left in its own group.
            Posix.killGroup(pid, Signals.KILL);
        }
        OptionalInt raw = Posix.reapIfExited(pid);
        if (raw.isEmpty()) {
            return null;
        }
        reaped = true;
        return ExitStatus.fromWaitStatus(raw.getAsInt());
    }

    /**
     * Whether the child has begun to exit or was reaped. Serialised with reaping, so the pid read is still ours (an
     * unreaped zombie keeps it). A process that cannot be read (no fd left) counts as running: nothing is known.
     */
    synchronized boolean isExiting() {
        if (reaped) {
            return true;
        }
        try {
            // Gone from /proc without our reaping it: someone else reaped it (ECHILD path), so it ended.
            return ProcStat.read(pid).map(ProcStat::exiting).orElse(true);
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            return false;
        }
    }

    /** After the status was lost (ECHILD): never signal this pgid again. */
    synchronized void markReaped() {
        reaped = true;
    }

    synchronized boolean signalGroup(int signal) {
        if (reaped) {
            return false;
        }
        try {
            return Posix.killGroup(pid, signal);
        } catch (NativeCallException e) {
            throw new IllegalStateException("worker %s: %s".formatted(logName, e.getMessage()), e);
        }
    }

    /**
     * Reads one chunk from stdout or stderr; at end of file flushes the last line and closes the pipe. Returns
     * whether bytes were read.
     */
    boolean readOnce(boolean fromStderr, byte[] buffer, Epoll epoll) throws NativeCallException {
        int fd = fromStderr ? stderrFd : stdoutFd;
        if (fd < 0) {
            return false;
        }
        OutputLines lines = fromStderr ? stderr : stdout;
        int n = Posix.read(fd, buffer);
        if (n > 0) {
            lines.accept(buffer, n);
        } else if (n == 0) {
            lines.finish();
            epoll.remove(fd);
            Posix.close(fd);
            if (fromStderr) {
                stderrFd = -1;
            } else {
                stdoutFd = -1;
            }
            if (stdoutFd < 0 && stderrFd < 0) {
                outputBudget.reportNow(); // the worker's output ended: nothing later would report these
            }
        }
        return n > 0;
    }

    /** Logs what the dead child left in its pipes, so its last words come before its exit is reported. */
    void drain(byte[] buffer, Epoll epoll) throws NativeCallException {
        // Bounded: a grandchild holding the pipe open may keep writing; the loop picks that up later.
        for (int i = 0; i < 64 && readOnce(false, buffer, epoll); i++) {
            // reading
        }
        for (int i = 0; i < 64 && readOnce(true, buffer, epoll); i++) {
            // reading
        }
    }

    /** Whether output lines were dropped and not reported yet (the reaper then wakes to report them). */
    boolean hasDroppedOutput() {
        return outputBudget.hasDropped();
    }

    /** The reaper's periodic check: reports dropped output lines once their interval has passed. */
    void reportDroppedOutput() {
        outputBudget.reportIfDue();
    }

    synchronized boolean isDone() {
        return reaped && stdoutFd < 0 && stderrFd < 0;
    }

    void closeAll() {
        outputBudget.reportNow();
        Posix.close(pidfd);
        Posix.close(stdoutFd);
        Posix.close(stderrFd);
        pidfd = stdoutFd = stderrFd = -1;
    }
}
