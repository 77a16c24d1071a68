package io.sluice.spawner.spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to start a worker: the absolute binary ({@code bin-path}'s argv[0] already resolved, PATH included), its exact
 * argv (argv[0] as written), the complete environment ({@code bin-copy-environment} or Sluice's own, then
 * {@code bin-environment}, then {@code PHP_FCGI_CHILDREN=1} unless set; the pool adds only {@code SLUICE_ROUTE} and
 * {@code SLUICE_WORKER_ID}), its working directory, how to stop it ({@code kill-signal} to the process group, wait
 * {@code stop-timeout}, SIGKILL), its listening socket's backlog and file mode (unix sockets only), and who it runs as
 * with which resource limits ({@link Confinement}), and at which levels its output lines are logged
 * ({@link OutputLevels}).
 */
public record LaunchSpec(
        Path binPath,
        List<String> argv,
        Map<String, String> environment,
        Path cwd,
        int killSignal,
        Duration stopTimeout,
        int listenBacklog,
        int socketMode,
        Confinement confinement,
        OutputLevels output) {

    /** A launch that runs as Sluice does, with Sluice's limits. */
    public LaunchSpec(Path binPath, List<String> argv, Map<String, String> environment, Path cwd, int killSignal,
                      Duration stopTimeout, int listenBacklog, int socketMode) {
        this(binPath, argv, environment, cwd, killSignal, stopTimeout, listenBacklog, socketMode, Confinement.NONE);
    }

    /** A launch whose output is logged at the default levels (stdout INFO, stderr WARN). */
    public LaunchSpec(Path binPath, List<String> argv, Map<String, String> environment, Path cwd, int killSignal,
                      Duration stopTimeout, int listenBacklog, int socketMode, Confinement confinement) {
        this(binPath, argv, environment, cwd, killSignal, stopTimeout, listenBacklog, socketMode, confinement,
                OutputLevels.DEFAULT);
    }

    public LaunchSpec {
        Objects.requireNonNull(binPath, "binPath");
        Objects.requireNonNull(cwd, "cwd");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
        Objects.requireNonNull(confinement, "confinement");
        Objects.requireNonNull(output, "output");
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
        List<InvalidOptionException> v = new ArrayList<>();
        if (!binPath.isAbsolute()) {
            v.add(new InvalidOptionException("bin-path", "must resolve to an absolute path, got " + binPath, null));
        }
        if (argv.isEmpty()) {
            v.add(new InvalidOptionException("bin-path", "must name a program", null));
        }
        if (killSignal < 1 || killSignal > 64) {
            v.add(new InvalidOptionException("kill-signal", "must be a signal number 1..64, got " + killSignal,
                    "HUP, INT, QUIT, KILL, USR1, USR2, TERM (with or without SIG), or a number 1..64"));
        }
        if (stopTimeout.isNegative()) {
            v.add(new InvalidOptionException("stop-timeout", "must not be negative, got " + stopTimeout, null));
        }
        if (listenBacklog < 1) {
            v.add(new InvalidOptionException("listen-backlog", "must be at least 1, got " + listenBacklog, null));
        }
        if (socketMode < 0 || socketMode > 0777) {
            v.add(new InvalidOptionException("socket-mode",
                    "must be an octal mode 0000..0777, got 0%o".formatted(socketMode), null));
        }
        InvalidOptionException.throwIfAny(v);
    }

    /** The same launch in another working directory (a per-key worker's own folder). */
    public LaunchSpec inFolder(Path folder) {
        return new LaunchSpec(binPath, argv, environment, folder, killSignal, stopTimeout, listenBacklog, socketMode,
                confinement, output);
    }
}
