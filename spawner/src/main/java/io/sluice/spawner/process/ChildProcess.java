package io.sluice.spawner.process;

import io.sluice.spawner.spec.StopLadder;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * A started child that leads its own process group: its pid, its exit as a future, and signals to its group.
 *
 * <p>Threading: all methods may be called from any thread. The exit future completes on the reaper thread; attach
 * dependents with {@code whenCompleteAsync(…, yourExecutor)}. Consumers cannot complete it: they see a copy.
 */
public final class ChildProcess {

    /** Delivers a signal to the child's process group; false when nothing was signalled (already reaped or gone). */
    @FunctionalInterface
    public interface GroupSignaller {
        boolean signalGroup(int signal);
    }

    private final String name;
    private final int pid;
    private final CompletableFuture<ExitStatus> exit;
    private final GroupSignaller signaller;
    private final BooleanSupplier exiting;
    private final AtomicReference<CompletableFuture<ExitStatus>> stopping = new AtomicReference<>();

    /**
     * Launchers build it; a test's fake launcher passes its own future and a signaller that records signals.
     *
     * @param name the worker's log name, for example {@code echo#2}
     */
    public ChildProcess(String name, int pid, CompletableFuture<ExitStatus> exit, GroupSignaller signaller) {
        this(name, pid, exit, signaller, exit::isDone);
    }

    /** @param exiting answers {@link #isExiting()}: never blocks, true once the process has begun to exit */
    public ChildProcess(String name, int pid, CompletableFuture<ExitStatus> exit, GroupSignaller signaller,
                        BooleanSupplier exiting) {
        this.name = Objects.requireNonNull(name, "name");
        this.pid = pid;
        this.exit = Objects.requireNonNull(exit, "exit").copy();
        this.signaller = Objects.requireNonNull(signaller, "signaller");
        this.exiting = Objects.requireNonNull(exiting, "exiting");
    }

    public String name() {
        return name;
    }

    public int pid() {
        return pid;
    }

    /** Completes, on the reaper thread, once the child has been reaped. */
    public CompletableFuture<ExitStatus> exit() {
        return exit;
    }

    /**
     * Whether the process has begun to exit (or was reaped already), from one small read of its kernel state; never
     * blocks. True before {@link #exit()} completes for a process that is dying, false for one that runs.
     */
    public boolean isExiting() {
        return exit.isDone() || exiting.getAsBoolean();
    }

    /**
     * Sends {@code signal} to the child's process group ({@code kill(-pid, signal)}; the child leads its own session,
     * so pgid == pid). Returns false, sending nothing, once the child has been reaped.
     */
    public boolean signalGroup(int signal) {
        return signaller.signalGroup(signal);
    }

    /**
     * Runs {@code ladder} (signal the group, wait the step's grace, escalate) with timers on {@code timer}; the future
     * completes when the child is reaped. Idempotent: a second call returns the first run's future.
     */
    public CompletableFuture<ExitStatus> stop(StopLadder ladder, ScheduledExecutorService timer) {
        Objects.requireNonNull(ladder, "ladder");
        Objects.requireNonNull(timer, "timer");
        CompletableFuture<ExitStatus> fresh = new CompletableFuture<>();
        if (!stopping.compareAndSet(null, fresh)) {
            return stopping.get();
        }
        new LadderRun(this, ladder, timer).start().whenComplete((status, failure) -> {
            if (failure != null) {
                fresh.completeExceptionally(failure);
            } else {
                fresh.complete(status);
            }
        });
        return fresh;
    }

    @Override
    public String toString() {
        return "worker %s pid %d".formatted(name, pid);
    }
}
