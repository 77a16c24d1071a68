package io.sluice.spawner.process;

import io.sluice.spawner.posix.Accounts;
import io.sluice.spawner.spec.Confinement;
import io.sluice.spawner.spec.LaunchSpec;
import io.sluice.spawner.spec.ResourceLimit;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What runs in front of a worker's program to set what posix_spawn cannot: util-linux {@code prlimit} for its
 * {@code rlimits}, then {@code setpriv} for its user and groups and for the parent-death signal, each applying its part
 * to itself and then executing the next, so pid, process group, fd 0, output pipes and environment stay the worker's:
 * {@code prlimit --nofile=S:H … -- setpriv --reuid=U --regid=G --init-groups --pdeathsig KILL -- PROGRAM ARGS}.
 * setpriv sets the death signal after the user change, which clears it (credentials(7)); the death signal follows the
 * spawning thread, so spawn only from the supervisor thread (reference/native-spawning.md §7). Whether a worker's
 * confinement can be applied is checked once, at the supervisor's start ({@link #check}); what cannot be applied
 * stops the start, nothing is skipped. Thread-safe: the supervisor thread and the spawn threads use it.
 */
public final class ExecWrappers {
    private static final Logger LOG = LoggerFactory.getLogger(ExecWrappers.class);
    public static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    public static final Path PRLIMIT = Path.of("/usr/bin/prlimit");

    /** setpriv when installed (null otherwise), and whether it knows --pdeathsig (util-linux 2.33+). */
    private final Path setpriv;
    private final boolean pdeathsig;
    private final Path prlimit;
    private final int ownUid;
    private final int ownGid;
    private final OwnLimits ownLimits;
    /** Concurrent: per-connection programs are spawned on several spawn threads. */
    private final Map<Confinement, Credentials> resolved = new ConcurrentHashMap<>();

    ExecWrappers(Path setpriv, boolean pdeathsig, Path prlimit, int ownUid, int ownGid, OwnLimits ownLimits) {
        this.setpriv = setpriv;
        this.pdeathsig = pdeathsig;
        this.prlimit = prlimit;
        this.ownUid = ownUid;
        this.ownGid = ownGid;
        this.ownLimits = ownLimits;
    }

    /** The wrappers this machine has, for a Sluice running as its current user. */
    public static ExecWrappers detect() throws IOException {
        boolean hasSetpriv = Files.isExecutable(SETPRIV);
        boolean deathSignal = hasSetpriv && helpMentions(SETPRIV, "--pdeathsig");
        if (!deathSignal) {
            LOG.info("{} with --pdeathsig is not available; workers of a SIGKILLed Sluice are cleaned up at the "
                    + "next start (process-group ledger)", SETPRIV);
        }
        return new ExecWrappers(hasSetpriv ? SETPRIV : null, deathSignal,
                Files.isExecutable(PRLIMIT) ? PRLIMIT : null, Accounts.euid(), Accounts.egid(), OwnLimits.read());
    }

    /**
     * Checks that {@code spec}'s confinement can be applied here: names known, another user only as root, a worker
     * as root only with allow-root where that is asked, limits within Sluice's own unless root, tools installed.
     *
     * @throws IllegalArgumentException whose message names the option and what to do
     */
    public void check(LaunchSpec spec, boolean perKey) {
        Confinement confinement = spec.confinement();
        Credentials credentials = credentials(confinement);
        credentials.checkRoot(confinement, perKey);
        if (credentials.changed() && setpriv == null) {
            throw new IllegalArgumentException("user: changing the workers' user needs %s (util-linux), which is "
                    .formatted(SETPRIV) + "not installed");
        }
        if (!confinement.rlimits().isEmpty() && prlimit == null) {
            throw new IllegalArgumentException("rlimits: setting the workers' limits needs %s (util-linux), which is "
                    .formatted(PRLIMIT) + "not installed");
        }
        if (ownUid != 0) {
            for (ResourceLimit limit : confinement.rlimits()) {
                if (!ownLimits.allows(limit)) {
                    throw new IllegalArgumentException(("rlimits.%s: the hard limit %s is above Sluice's own (%s), "
                            + "which only root may raise").formatted(limit.resource().configName(),
                            ResourceLimit.describe(limit.hard()),
                            ResourceLimit.describe(ownLimits.hard(limit.resource()))));
                }
            }
        }
    }

    /**
     * Who a worker of this confinement runs as.
     *
     * @throws IllegalArgumentException when it cannot be resolved ({@link #check} reports it at the start)
     */
    public Credentials credentials(Confinement confinement) {
        return resolved.computeIfAbsent(confinement, c -> Credentials.resolve(c, ownUid, ownGid));
    }

    /** What posix_spawn executes: the absolute binary (a wrapper's or the program's) and the whole argv. */
    record Exec(Path binary, List<String> argv) {
    }

    /**
     * What to execute for {@code spec}: the wrappers it needs, then the absolute program and its arguments; without
     * wrappers the program with its argv as written. A program that is not executable is run bare, so its spawn
     * fails with its own errno and hint (and nothing runs unconfined). So is a file that is neither a {@code #!}
     * script nor an ELF binary when the wrappers would only add the death signal: setpriv executes with
     * {@code execvp}, which runs such a file through {@code /bin/sh} (a script without {@code #!} would run as a
     * shell script where setpriv is installed and fail with ENOEXEC where it is not); bare, the kernel decides
     * (binfmt_misc formats still run, anything else fails with ENOEXEC and its hint). Limits and a user are never
     * dropped for that: with them the wrappers stay.
     */
    Exec exec(LaunchSpec spec) {
        return exec(spec, true);
    }

    /**
     * {@link #exec(LaunchSpec)}, where {@code deathSignalAlone} says whether the death signal is worth a setpriv of
     * its own. A per-connection program needs none: its stdin and stdout are Sluice's socket, so Sluice's death is
     * its end of file (or SIGPIPE, or a terminal's hangup), and one exec fewer per session matters at session rates.
     * When setpriv runs anyway (another user), the death signal comes with it.
     */
    Exec exec(LaunchSpec spec, boolean deathSignalAlone) {
        List<String> argv = new ArrayList<>();
        Confinement confinement = spec.confinement();
        boolean onlyDeathSignal = confinement.rlimits().isEmpty() && !credentials(confinement).changed();
        if (Files.isExecutable(spec.binPath()) && !(onlyDeathSignal && !ProgramFormat.isScriptOrElf(spec.binPath()))) {
            if (!confinement.rlimits().isEmpty()) {
                argv.add(prlimit.toString());
                for (ResourceLimit limit : confinement.rlimits()) {
                    argv.add("--%s=%s:%s".formatted(limit.resource().configName(), ResourceLimit.describe(limit.soft()),
                            ResourceLimit.describe(limit.hard())));
                }
                argv.add("--");
            }
            Credentials credentials = credentials(confinement);
            if (credentials.changed() || pdeathsig && deathSignalAlone) {
                argv.add(setpriv.toString());
                if (credentials.changed()) {
                    argv.add("--reuid=" + credentials.uid());
                    argv.add("--regid=" + credentials.gid());
                    argv.add(credentials.userName() != null ? "--init-groups" : "--clear-groups");
                }
                if (pdeathsig) {
                    argv.add("--pdeathsig");
                    argv.add("KILL");
                }
                argv.add("--");
            }
        }
        if (argv.isEmpty()) {
            return new Exec(spec.binPath(), spec.argv());
        }
        argv.add(spec.binPath().toString());
        argv.addAll(spec.argv().subList(1, spec.argv().size()));
        return new Exec(Path.of(argv.get(0)), argv);
    }

    /** Runs {@code tool --help} once and looks for an option. */
    static boolean helpMentions(Path tool, String option) {
        try {
            Process help = new ProcessBuilder(tool.toString(), "--help").redirectErrorStream(true).start();
            try (InputStream out = help.getInputStream()) {
                String text = new String(out.readAllBytes(), StandardCharsets.UTF_8);
                if (!help.waitFor(5, TimeUnit.SECONDS)) {
                    help.destroyForcibly();
                    return false;
                }
                return text.contains(option);
            }
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
