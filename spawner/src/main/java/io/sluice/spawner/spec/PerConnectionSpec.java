package io.sluice.spawner.spec;

/**
 * The settings of an {@code instances: per-connection} backend beyond its {@link LaunchSpec} and {@link PoolLimits}
 * (whose {@code max-procs} caps the programs running at once): one program per WebSocket session, its stdin and stdout
 * one end of a socketpair, or with {@code pty} a pseudo-terminal. The session's CGI environment comes with each
 * acquire ({@code SessionRequest.environment}). Immutable.
 */
public record PerConnectionSpec(boolean pty) {

    /** {@code max-procs}' default for per-connection programs: one per session, so 4 (the pool's) would be few. */
    public static final int DEFAULT_MAX_PROCS = 100;
}
