package io.sluice.spawner.spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to start a worker: the absolute binary, its exact argv (argv[0] included), the resolved environment
 * ({@code bin-environment} over {@code bin-copy-environment}), its working directory, and how to stop it.
 */
public record LaunchSpec(
        Path binPath,
        List<String> argv,
        Map<String, String> environment,
        Path cwd,
        int killSignal,
        Duration stopTimeout,
        int listenBacklog,
        int socketMode) {

    public LaunchSpec {
        Objects.requireNonNull(binPath, "binPath");
        Objects.requireNonNull(cwd, "cwd");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
        if (!binPath.isAbsolute()) {
            throw new InvalidOptionException("bin-path", "must resolve to an absolute path, got " + binPath, null);
        }
        if (argv.isEmpty()) {
            throw new InvalidOptionException("bin-path", "must name a program", null);
        }
        if (killSignal < 1 || killSignal > 64) {
            throw new InvalidOptionException("kill-signal", "must be a signal number 1..64, got " + killSignal,
                    "TERM, INT, HUP, QUIT, USR1, USR2, KILL or a number");
        }
        if (stopTimeout.isNegative()) {
            throw new InvalidOptionException("stop-timeout", "must not be negative, got " + stopTimeout, null);
        }
        if (listenBacklog < 1) {
            throw new InvalidOptionException("listen-backlog", "must be at least 1, got " + listenBacklog, null);
        }
        if (socketMode < 0 || socketMode > 0777) {
            throw new InvalidOptionException("socket-mode", "must be an octal mode 0000..0777", null);
        }
    }
}
