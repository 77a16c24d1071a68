package io.sluice.spawner.pool;

import io.sluice.spawner.process.ChildProcess;
import io.sluice.spawner.process.ListenSocket;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One run of a spawned worker: its listening socket, its child process, and the futures that leases hand to the
 * tunnel. An incarnation exists before its spawn (so that a connection waiting for an on-demand start has something
 * to wait on) and ends when its process was reaped and its socket removed. Mutated on the supervisor thread only; the
 * futures complete there and the read-only views of them are safe on any thread.
 */
final class Incarnation {

    /** Completes once the socket listens and the spawn returned; fails when the spawn failed. */
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    /** Completes when the process ended: true for a failure (non-zero exit, signal), false for exit 0. */
    final CompletableFuture<Boolean> exit = new CompletableFuture<>();
    /** Completes after the process was reaped and the socket file removed; what a stop waits for. */
    final CompletableFuture<Void> gone = new CompletableFuture<>();
    /** What leases carry: views the tunnel cannot complete. Made once, not per acquire. */
    final CompletionStage<Void> readyView = ready.minimalCompletionStage();
    final CompletionStage<Boolean> exitView = exit.minimalCompletionStage();

    ListenSocket socket;
    ChildProcess child;
    Instant startedAt;
    /** Why we stopped it; null unless Sluice asked it to stop. Set when the worker enters STOPPING. */
    String stopReason;
    /** Start the worker again as soon as it is reaped (a restart after refused connections). */
    boolean restartWhenReaped;
    /** Sluice stopped it because it failed (hung): its exit is reported as a failure whatever its status. */
    boolean failedWhenStopped;

    /** Before the spawn: fails the waiters, and ends this incarnation (there is no process to wait for). */
    void failBeforeSpawn(Throwable cause) {
        ready.completeExceptionally(cause);
        exit.complete(true);
        gone.complete(null);
    }

    /** After the process was reaped: removes the socket file and completes the futures. */
    void ended(boolean failed) {
        if (socket != null) {
            socket.close();
        }
        exit.complete(failed);
        gone.complete(null);
    }
}
