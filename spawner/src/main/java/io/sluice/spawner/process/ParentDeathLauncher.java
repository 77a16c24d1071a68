package io.sluice.spawner.process;

import io.sluice.spawner.spec.LaunchSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts workers through util-linux {@code setpriv --pdeathsig KILL -- <bin-path> <args>}, so the kernel kills a
 * worker as soon as the thread that spawned it ends, even when Sluice is SIGKILLed and no shutdown hook runs
 * (reference/native-spawning.md §7). The death signal follows the spawning <em>thread</em>: spawn only from the
 * long-lived supervisor thread. setpriv execs the target in place, so pid, process group, fd 0 and output pipes are
 * the worker's own; only argv[0] becomes the absolute bin-path, as lighttpd passes it anyway. A binary that is not
 * executable is launched directly, so its spawn still fails with its own errno and hint. Decorates another launcher;
 * same threading (supervisor thread only).
 */
public final class ParentDeathLauncher implements ProcessLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(ParentDeathLauncher.class);
    public static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private final ProcessLauncher delegate;
    private final Path setpriv;

    ParentDeathLauncher(ProcessLauncher delegate, Path setpriv) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.setpriv = Objects.requireNonNull(setpriv, "setpriv");
    }

    /** {@code delegate} wrapped when {@link #SETPRIV} exists and knows {@code --pdeathsig}, else unchanged. */
    public static ProcessLauncher wrapIfAvailable(ProcessLauncher delegate) {
        if (!supportsPdeathsig(SETPRIV)) {
            LOG.info("{} with --pdeathsig is not available; workers of a SIGKILLed Sluice are cleaned up at the "
                    + "next start (process-group ledger)", SETPRIV);
            return delegate;
        }
        return new ParentDeathLauncher(delegate, SETPRIV);
    }

    @Override
    public ChildProcess launch(LaunchSpec spec, ListenSocket socket, Map<String, String> extraEnv, String logName)
            throws SpawnException {
        if (!Files.isExecutable(spec.binPath())) {
            return delegate.launch(spec, socket, extraEnv, logName);
        }
        return delegate.launch(wrap(spec), socket, extraEnv, logName);
    }

    /** The same launch with setpriv in front: {@code setpriv --pdeathsig KILL -- <bin-path> <argv[1..]>}. */
    LaunchSpec wrap(LaunchSpec spec) {
        List<String> argv = new ArrayList<>(List.of(setpriv.toString(), "--pdeathsig", "KILL", "--",
                spec.binPath().toString()));
        argv.addAll(spec.argv().subList(1, spec.argv().size()));
        return new LaunchSpec(setpriv, argv, spec.environment(), spec.cwd(), spec.killSignal(), spec.stopTimeout(),
                spec.listenBacklog(), spec.socketMode());
    }

    /** Runs {@code setpriv --help} once and looks for the option (util-linux 2.33 and later). */
    static boolean supportsPdeathsig(Path setpriv) {
        if (!Files.isExecutable(setpriv)) {
            return false;
        }
        try {
            Process help = new ProcessBuilder(setpriv.toString(), "--help").redirectErrorStream(true).start();
            try (InputStream out = help.getInputStream()) {
                String text = new String(out.readAllBytes(), StandardCharsets.UTF_8);
                if (!help.waitFor(5, TimeUnit.SECONDS)) {
                    help.destroyForcibly();
                    return false;
                }
                return text.contains("--pdeathsig");
            }
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
