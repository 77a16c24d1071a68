package io.sluice.spawner.process;

import io.sluice.spawner.posix.ChildStdio;
import io.sluice.spawner.posix.NativeCallException;
import io.sluice.spawner.posix.Posix;
import io.sluice.spawner.posix.PosixSpawn;
import io.sluice.spawner.posix.PseudoTerminal;
import io.sluice.spawner.posix.SocketPair;
import io.sluice.spawner.posix.SpawnRequest;
import io.sluice.spawner.spec.LaunchSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launches per-connection programs with posix_spawn, under the same rules as {@link PosixSpawnLauncher}'s workers
 * (absolute bin path, explicit envp, chdir, own session, clean signal state, nothing else inherited, the ledger's
 * token and record): stdin and stdout on one end of a socketpair or on a raw pseudo-terminal, stderr into a pipe the
 * {@link ExitWatcher} logs, exit reaped through the same watcher (pidfd, no thread per child). When the program
 * exits, what it left in its process group is killed ({@link ExitWatcher#watchProgram}). The host's user, group and
 * rlimits apply through {@link ExecWrappers}, as for workers.
 * Call from the supervisor thread only.
 */
public final class PosixStdioLauncher implements StdioLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(PosixStdioLauncher.class);
    /** What a terminal program sees until someone resizes it; 0 x 0 breaks full-screen programs. */
    static final int COLUMNS = 80;
    static final int ROWS = 24;
    private static final String PROGRAM = "program";

    private final ExitWatcher watcher;
    private final ProcessGroupLedger ledger;
    private final ExecWrappers wrappers;

    /** @param ledger where to record process groups, or null to keep no record */
    public PosixStdioLauncher(ExitWatcher watcher, ProcessGroupLedger ledger) {
        this(watcher, ledger, null);
    }

    /**
     * @param ledger   where to record process groups, or null to keep no record
     * @param wrappers what runs in front of a program (limits, user), or null to run it bare; no death signal of its
     *                 own (see {@link ExecWrappers#exec(LaunchSpec, boolean)})
     */
    public PosixStdioLauncher(ExitWatcher watcher, ProcessGroupLedger ledger, ExecWrappers wrappers) {
        this.watcher = Objects.requireNonNull(watcher, "watcher");
        this.ledger = ledger;
        this.wrappers = wrappers;
    }

    @Override
    public StdioProgram launch(LaunchSpec spec, StdioKind kind, List<byte[]> sessionEnv, String logName)
            throws SpawnException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(logName, "logName");
        if (!Files.isDirectory(spec.cwd())) {
            throw new SpawnException(PROGRAM, logName, spec.binPath(), "ENOENT",
                    "working directory %s does not exist or is not a directory".formatted(spec.cwd()), null, null);
        }
        List<byte[]> envp = EnvironmentEntries.merge(spec.environment(), sessionEnv,
                ledger == null ? null : ledger.token());
        Ends ends = null;
        int pid;
        try {
            ends = Ends.open(kind);
            long started = System.nanoTime();
            ExecWrappers.Exec exec = wrappers == null ? new ExecWrappers.Exec(spec.binPath(), spec.argv())
                    : wrappers.exec(spec, false);
            pid = PosixSpawn.spawn(new SpawnRequest(exec.binary(), exec.argv(), envp, spec.cwd(), ends.childStdio(),
                    ends.stderrWrite));
            LOG.debug("program {} spawned pid {} in {} us", logName, pid, (System.nanoTime() - started) / 1000);
        } catch (NativeCallException e) {
            if (ends != null) {
                ends.closeAll();
            }
            throw new SpawnException(PROGRAM, logName, spec.binPath(), e.errnoName(), e.getMessage(),
                    PosixSpawnLauncher.hint(e.errnoName()), e);
        }
        // Our copies of the child's ends must go, or stdout and stderr never reach end of file.
        ends.closeChildSide();
        ChildProcess child;
        try {
            Posix.setNonBlocking(ends.parentEnd, true);
            Posix.setNonBlocking(ends.stderrRead, true);
            child = watcher.watchProgram(pid, ends.stderrRead, logName, spec.output());
        } catch (NativeCallException | RuntimeException e) {
            ends.closeAll();
            PosixSpawnLauncher.killAndReap(pid);
            throw new SpawnException(PROGRAM, logName, spec.binPath(), null, "cannot watch pid %d: %s".formatted(pid,
                    e.getMessage()), null, e);
        }
        if (ledger != null) {
            // Recorded late, in one rewrite with the other sessions' programs (see ProcessGroupLedger.addSoon).
            ledger.addSoon(pid);
            child.exit().whenComplete((status, failure) -> ledger.removeSoon(pid));
        }
        LOG.debug("program {} started: pid {} {} on {}", logName, pid, spec.binPath(),
                ends.terminal == null ? "a socketpair" : ends.terminal);
        return new StdioProgram(child, kind, ends.parentEnd, ends.terminal);
    }

    /** The fds of one launch until they are handed over; closes what the caller no longer needs. */
    private static final class Ends {
        int parentEnd = -1;
        int childEnd = -1;
        Path terminal;
        int stderrRead = -1;
        int stderrWrite = -1;

        static Ends open(StdioKind kind) throws NativeCallException {
            Ends ends = new Ends();
            try {
                int[] err = Posix.pipe();
                ends.stderrRead = err[0];
                ends.stderrWrite = err[1];
                if (kind == StdioKind.SOCKETPAIR) {
                    int[] pair = SocketPair.open();
                    ends.parentEnd = pair[0];
                    ends.childEnd = pair[1];
                } else {
                    PseudoTerminal pty = PseudoTerminal.open();
                    ends.parentEnd = pty.master();
                    ends.terminal = pty.slave();
                    pty.makeRaw();
                    pty.setWindowSize(COLUMNS, ROWS);
                }
                return ends;
            } catch (NativeCallException | RuntimeException e) {
                ends.closeAll();
                throw e;
            }
        }

        ChildStdio childStdio() {
            return terminal != null ? new ChildStdio.Terminal(terminal) : new ChildStdio.Fds(childEnd, childEnd);
        }

        void closeChildSide() {
            Posix.close(childEnd);
            Posix.close(stderrWrite);
            childEnd = stderrWrite = -1;
        }

        void closeAll() {
            closeChildSide();
            Posix.close(parentEnd);
            Posix.close(stderrRead);
            parentEnd = stderrRead = -1;
        }
    }
}
