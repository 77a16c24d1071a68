package io.sluice.spawner.pool;

import io.sluice.spawner.process.ChildProcess;
import io.sluice.spawner.process.ExitStatus;
import io.sluice.spawner.process.ListenSocket;
import io.sluice.spawner.registry.Lease;
import io.sluice.spawner.registry.WorkerOutcome;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One run of a spawned worker: its listening socket, its child process, and what leases hand to the tunnel. An
 * incarnation exists before its spawn (so that a connection waiting for an on-demand start has something to wait on)
 * and ends when its process was reaped and its socket removed. Mutated on the supervisor thread only; the futures
 * complete there, and {@link #outcome()} is safe on any thread.
 */
final class Incarnation {

    /** Completes once the socket listens and the spawn returned; fails when the spawn failed. */
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    /** Completes with the final outcome (ended cleanly or failed) when this run ended. */
    final CompletableFuture<WorkerOutcome> exit = new CompletableFuture<>();
    /** Completes after the process was reaped and the socket file removed; what a stop waits for. */
    final CompletableFuture<Void> gone = new CompletableFuture<>();
    /** What leases carry: a view the tunnel cannot complete, and the probe it reads. Made once, not per acquire. */
    final CompletionStage<Void> readyView = ready.minimalCompletionStage();
    final Lease.WorkerProbe exitView = this::outcome;

    ListenSocket socket;
    /** Volatile: set on the supervisor thread, read by {@link #outcome()} on event loops. */
    volatile ChildProcess child;
    Instant startedAt;
    /** Why we stopped it; null unless Sluice asked it to stop. Set when the worker enters STOPPING. */
    String stopReason;
    /** Start the worker again as soon as it is reaped (a restart after refused connections). */
    boolean restartWhenReaped;
    /**
     * Set (on the supervisor thread, before its stop) when Sluice ends this run for a fault of the worker's, such as
     * hanging: the run then counts as failed with this description, whatever status the process exits with.
     */
    volatile String faultyBecause;

    /**
     * How this run is doing, without blocking and without registering anything: the published outcome once it
     * ended; otherwise the reaped status if the reaper has it; otherwise exiting or running from one procfs read.
     */
    WorkerOutcome outcome() {
        WorkerOutcome ended = exit.getNow(null);
        if (ended != null) {
            return ended;
        }
        ChildProcess process = child;
        if (process == null) {
            return WorkerOutcome.RUNNING; // not spawned yet: nothing to end
        }
        CompletableFuture<ExitStatus> status = process.exit();
        if (status.isDone()) {
            return status.isCompletedExceptionally() ? WorkerOutcome.EXITING : outcomeOf(status.join());
        }
        return process.isExiting() ? WorkerOutcome.EXITING : WorkerOutcome.RUNNING;
    }

    /** Before the spawn: fails the waiters, and ends this incarnation (there is no process to wait for). */
    void failBeforeSpawn(Throwable cause) {
        ready.completeExceptionally(cause);
        exit.complete(WorkerOutcome.failed("did not start"));
        gone.complete(null);
    }

    /** After the process was reaped: removes the socket file and publishes how the run ended. */
    void ended(WorkerOutcome outcome) {
        if (socket != null) {
            socket.close();
        }
        exit.complete(outcome);
        gone.complete(null);
    }

    /**
     * Exit 0 is a clean end; anything else a failure described briefly ("exit 3", "killed by SIGSEGV"); a run Sluice
     * ended for a fault is a failure whatever its status.
     */
    WorkerOutcome outcomeOf(ExitStatus status) {
        String fault = faultyBecause;
        if (fault != null) {
            return WorkerOutcome.failed(fault);
        }
        return status.isSuccess() ? WorkerOutcome.ENDED_CLEANLY : WorkerOutcome.failed(status.brief());
    }
}
