package io.sluice.spawner.process;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A worker could not be started. Names the worker, the binary, the errno name and a hint, for example
 * {@code worker php#2: cannot start /usr/bin/php-cgi: EACCES (Permission denied); check that the file is executable
 * by the sluice user}. Caught by the pool, which marks the worker DEAD and retries later. Immutable.
 */
public final class SpawnException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String worker;
    private final transient Path binary;
    private final String errnoName;

    public SpawnException(String worker, Path binary, String errnoName, String problem, String hint, Throwable cause) {
        this("worker", worker, binary, errnoName, problem, hint, cause);
    }

    /** @param noun what {@code worker} names: "worker", or "program" for a per-connection program */
    SpawnException(String noun, String worker, Path binary, String errnoName, String problem, String hint,
                   Throwable cause) {
        super("%s %s: cannot start %s: %s%s".formatted(noun, worker, binary, problem,
                hint == null ? "" : "; " + hint), cause);
        this.worker = Objects.requireNonNull(worker, "worker");
        this.binary = Objects.requireNonNull(binary, "binary");
        this.errnoName = errnoName;
    }

    /** The worker's log name, for example {@code echo#2}. */
    public String worker() {
        return worker;
    }

    public Path binary() {
        return binary;
    }

    /** ENOENT, EACCES, …; null when the failure had no errno. */
    public String errnoName() {
        return errnoName;
    }
}
