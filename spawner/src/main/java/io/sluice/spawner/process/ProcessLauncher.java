package io.sluice.spawner.process;

import io.sluice.spawner.spec.LaunchSpec;
import java.util.Map;

/**
 * Starts one worker process on a listening socket. The pool calls it from the supervisor thread only (children must
 * come from one long-lived thread); implementations need not be thread-safe beyond that. Tests use a fake.
 */
public interface ProcessLauncher {

    /**
     * Starts {@code spec}'s binary with {@code socket} as fd 0, {@code spec.environment()} plus {@code extraEnv}
     * (which wins; it carries SLUICE_ROUTE and SLUICE_WORKER_ID), its output logged under {@code logName}
     * (for example {@code echo#2}). Once the child holds the socket, the launcher hands it over
     * ({@link ListenSocket#handOver()}): the child's fd 0 is then the only copy.
     */
    ChildProcess launch(LaunchSpec spec, ListenSocket socket, Map<String, String> extraEnv, String logName)
            throws SpawnException;
}
