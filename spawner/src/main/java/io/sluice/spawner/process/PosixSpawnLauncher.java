package io.sluice.spawner.process;

import io.sluice.spawner.posix.NativeCallException;
import io.sluice.spawner.posix.Posix;
import io.sluice.spawner.posix.PosixSpawn;
import io.sluice.spawner.posix.Signals;
import io.sluice.spawner.posix.SpawnRequest;
import io.sluice.spawner.spec.LaunchSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launches workers with posix_spawn (reference/native-spawning.md): the absolute bin path, explicit envp, chdir to
 * the spec's cwd, own session, clean signal state, socket on fd 0, stdout and stderr into pipes that the
 * {@link ExitWatcher} logs, nothing else inherited. Records each group in the optional {@link ProcessGroupLedger}
 * and gives each worker that ledger's instance token ({@value ProcessGroupLedger#TOKEN_VARIABLE}), which proves at
 * the next start that what is left in the group is ours. {@link ExecWrappers} may run in front of the program (limits,
 * user, death signal); logs and errors always name the program. Call from the supervisor thread only.
 */
public final class PosixSpawnLauncher implements ProcessLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(PosixSpawnLauncher.class);

    private final ExitWatcher watcher;
    private final ProcessGroupLedger ledger;
    private final ExecWrappers wrappers;

    /** @param ledger where to record process groups, or null to keep no record */
    public PosixSpawnLauncher(ExitWatcher watcher, ProcessGroupLedger ledger) {
        this(watcher, ledger, null);
    }

    /**
     * @param ledger   where to record process groups, or null to keep no record
     * @param wrappers what runs in front of a program (limits, user, death signal), or null to run it bare
     */
    public PosixSpawnLauncher(ExitWatcher watcher, ProcessGroupLedger ledger, ExecWrappers wrappers) {
        this.watcher = Objects.requireNonNull(watcher, "watcher");
        this.ledger = ledger;
        this.wrappers = wrappers;
    }

    @Override
    public ChildProcess launch(LaunchSpec spec, ListenSocket socket, Map<String, String> extraEnv, String logName)
            throws SpawnException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(logName, "logName");
        if (!Files.isDirectory(spec.cwd())) {
            throw new SpawnException(logName, spec.binPath(), "ENOENT",
                    "working directory %s does not exist or is not a directory".formatted(spec.cwd()), null, null);
        }
        int[] out = null;
        int[] err = null;
        int pid;
        try {
            out = Posix.pipe();
            err = Posix.pipe();
            long started = System.nanoTime();
            ExecWrappers.Exec exec = wrappers == null ? new ExecWrappers.Exec(spec.binPath(), spec.argv())
                    : wrappers.exec(spec);
            pid = PosixSpawn.spawn(new SpawnRequest(exec.binary(), exec.argv(), envp(spec, extraEnv), spec.cwd(),
                    socket.fd(), out[1], err[1]));
            LOG.debug("worker {} spawned pid {} in {} us", logName, pid, (System.nanoTime() - started) / 1000);
        } catch (NativeCallException e) {
            closeAll(out);
            closeAll(err);
            throw new SpawnException(logName, spec.binPath(), e.errnoName(), e.getMessage(), hint(e.errnoName()), e);
        }
        // Our copies of the write ends must go, or the pipes never reach end of file. Likewise the listening
        // socket: with our copy open, a worker that closed fd 0 or died would leave connects queueing forever.
        Posix.close(out[1]);
        Posix.close(err[1]);
        socket.handOver();
        ChildProcess child;
        try {
            Posix.setNonBlocking(out[0], true);
            Posix.setNonBlocking(err[0], true);
            child = watcher.watch(pid, out[0], err[0], logName, spec.output());
        } catch (NativeCallException | RuntimeException e) {
            // Cannot watch it, so it must not run unwatched.
            Posix.close(out[0]);
            Posix.close(err[0]);
            killAndReap(pid);
            throw new SpawnException(logName, spec.binPath(), null, "cannot watch pid %d: %s".formatted(pid,
                    e.getMessage()), null, e);
        }
        record(ledger, child);
        LOG.info("worker {} started: pid {} {} on {}", logName, pid, spec.binPath(), socket.address().describe());
        return child;
    }

    /** Records {@code child}'s group in {@code ledger} (null: none) until it is reaped. */
    static void record(ProcessGroupLedger ledger, ChildProcess child) {
        if (ledger == null) {
            return;
        }
        try {
            ledger.add(child.pid());
        } catch (IOException e) {
            LOG.warn("worker {}: cannot record pid {} in {}: {}", child.name(), child.pid(), ledger, e.toString());
        }
        child.exit().whenComplete((status, failure) -> ledger.removeQuietly(child.pid()));
    }

    /** The spec's environment, then {@code extraEnv}, then the ledger's instance token, which nothing overrides. */
    private List<String> envp(LaunchSpec spec, Map<String, String> extraEnv) {
        Map<String, String> env = new TreeMap<>(spec.environment());
        env.putAll(extraEnv);
        if (ledger != null) {
            env.put(ProcessGroupLedger.TOKEN_VARIABLE, ledger.token());
        }
        return env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    /** What to check after a spawn failed with {@code errnoName}; null when there is nothing useful to say. */
    static String hint(String errnoName) {
        return switch (errnoName) {
            case "ENOENT" -> "check bin-path (and, for a script, its #! interpreter)";
            case "EACCES" -> "check that the file is executable by the sluice user";
            case "ENOEXEC" -> "the file is not an executable this system can run; a script needs a #! line";
            case "ETXTBSY" -> "the file is being written; start it once it is fully installed";
            case "E2BIG" -> "the arguments and environment are too long";
            case "EAGAIN", "ENOMEM" -> "out of memory or over the process limit (ulimit -u)";
            case "EMFILE", "ENFILE" -> "too many open files; raise the limit (ulimit -n)";
            default -> null;
        };
    }

    /** For a child that cannot be watched: it must not run unwatched, nor stay a zombie. */
    static void killAndReap(int pid) {
        try {
            Posix.killGroup(pid, Signals.KILL);
            while (Posix.reapIfExited(pid).isEmpty()) {
                Thread.onSpinWait();
            }
        } catch (NativeCallException e) {
            LOG.error("cannot kill unwatched pid {}: {}", pid, e.getMessage());
        }
    }

    private static void closeAll(int[] fds) {
        if (fds != null) {
            Posix.close(fds[0]);
            Posix.close(fds[1]);
        }
    }
}
