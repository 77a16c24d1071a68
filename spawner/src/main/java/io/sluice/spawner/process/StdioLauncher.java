package io.sluice.spawner.process;

import io.sluice.spawner.spec.LaunchSpec;
import java.util.List;

/**
 * Starts one per-connection program: a child whose stdin and stdout are the tunnel's, one per WebSocket session.
 * Called from one long-lived thread (the supervisor's), like {@link ProcessLauncher}. Tests may use a fake.
 */
public interface StdioLauncher {

    /**
     * Starts {@code spec}'s binary with its stdin and stdout on a socketpair or a pseudo-terminal ({@code kind}),
     * stderr logged line by line under {@code logName}, and {@code spec.environment()} plus {@code sessionEnv}:
     * {@code NAME=value} byte strings (the CGI variables) that replace same-named entries of the spec.
     *
     * @throws SpawnException naming the binary and the errno when the program cannot be started
     */
    StdioProgram launch(LaunchSpec spec, StdioKind kind, List<byte[]> sessionEnv, String logName)
            throws SpawnException;
}
