package io.sluice.spawner.pool;

/**
 * A worker of a spawned backend could not be started: its socket could not listen (a live path, a bad directory) or
 * its binary could not be spawned. The message names route, backend, worker, the path or binary, and the errno with a
 * hint, for example {@code route '/echo/' backend 'echo': worker echo#0: cannot start /opt/echo: ENOENT (No such file
 * or directory); check bin-path}. At start it fails {@code Supervisor.start()} (the CLI exits 1); later the pool logs
 * it and retries with backoff. Immutable.
 */
public final class WorkerStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WorkerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
