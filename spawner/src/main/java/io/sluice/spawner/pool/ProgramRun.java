package io.sluice.spawner.pool;

import io.sluice.spawner.process.ChildProcess;
import io.sluice.spawner.process.ExitStatus;
import io.sluice.spawner.process.StdioKind;
import io.sluice.spawner.process.StdioProgram;
import io.sluice.spawner.registry.ConnectTerms;
import io.sluice.spawner.registry.Lease;
import io.sluice.spawner.registry.SessionRequest;
import io.sluice.spawner.registry.StdioEnd;
import io.sluice.spawner.registry.WorkerOutcome;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.StopLadder;
import io.sluice.spawner.status.WorkerStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One session's per-connection program: reserved by the session's acquire (on an event loop), spawned once on the
 * supervisor thread, reaped once, never reused. It owns the session's lease: {@link Lease#ready()} completes after
 * the spawn, the lease's probe reads the program's outcome, its stdio handover gives the tunnel the program's end
 * once, and its release closes that end if it was never taken and starts the {@code stop-timeout} count.
 *
 * <p>Threading: the lease facts ({@link #released}, {@link #takeStdio}, {@link #outcome}) come from any thread and
 * touch only volatile fields and thread-safe objects; the spawn runs on a spawn thread, which hands the run to the
 * supervisor thread (an executor hand-off, so what the spawn wrote is seen there); everything else runs there.
 */
final class ProgramRun implements Lease.Owner {

    final int id;
    final String logName;
    /** Completes once the program was spawned; fails when it could not be. */
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final InstantSource clock;
    /** The session's request until the spawn used it: its environment supplier holds the request's headers. */
    private SessionRequest request;
    private volatile StdioProgram program;
    /** Set once the program ended (or never started); what the probe answers from then on. */
    private volatile WorkerOutcome ended;
    /** When the session released its lease; null while it holds it. */
    private volatile Instant releasedAt;
    // Supervisor thread only.
    private Instant startedAt;
    private boolean stopping;

    ProgramRun(int id, String logName, SessionRequest request, InstantSource clock) {
        this.id = id;
        this.logName = logName;
        this.request = request;
        this.clock = clock;
    }

    /** The session's lease on this program; the caller has reserved its place under max-procs. */
    Lease lease(String route, String backendName, BackendAddress address, ConnectTerms terms) {
        return new Lease(route, backendName, address, terms, this, ready.minimalCompletionStage(), this::outcome,
                this::takeStdio);
    }

    /** The session's request, handed to the spawn once; null afterwards. The spawning thread. */
    SessionRequest takeRequest() {
        SessionRequest taken = request;
        request = null;
        return taken;
    }

    /** Spawned: the session may take the program's end. The spawning thread. */
    void started(StdioProgram spawned) {
        startedAt = clock.instant();
        program = spawned;
        // Released while it was being spawned: nobody will take its end. Either this or released() closes it.
        if (releasedAt != null) {
            spawned.close();
        }
        ready.complete(null);
    }

    /** It was never spawned: refused, abandoned or stopping. The spawning thread. */
    void notStarted(RuntimeException cause) {
        ended = WorkerOutcome.failed("did not start");
        ready.completeExceptionally(cause);
    }

    /** Reaped (or its status lost: {@code status} null). Supervisor thread. */
    void reaped(ExitStatus status) {
        ended = status == null ? WorkerOutcome.failed("status unknown")
                : status.isSuccess() ? WorkerOutcome.ENDED_CLEANLY : WorkerOutcome.failed(status.brief());
    }

    /** Whether the session let go of it before {@code now} minus {@code stopTimeout}, and no stop runs yet. */
    boolean overstays(Instant now, Duration stopTimeout) {
        Instant released = releasedAt;
        return !stopping && released != null && !now.isBefore(released.plus(stopTimeout));
    }

    /** Runs the stop ladder on the program's process group (the first call only). Supervisor thread. */
    void stop(StopLadder ladder, ScheduledExecutorService timer) {
        if (!stopping) {
            stopping = true;
            program.child().stop(ladder, timer);
        }
    }

    /** Whether Sluice asked it to stop. Supervisor thread. */
    boolean stopping() {
        return stopping;
    }

    ChildProcess child() {
        return program.child();
    }

    Instant startedAt() {
        return startedAt;
    }

    boolean isReleased() {
        return releasedAt != null;
    }

    /** What operators see of it. Supervisor thread. */
    WorkerStatus status() {
        StdioProgram started = program;
        String end = started.terminal() == null ? "socketpair" : started.terminal().toString();
        return new WorkerStatus(id, end, stopping ? WorkerStatus.State.STOPPING : WorkerStatus.State.RUNNING,
                started.child().pid(), startedAt, 0, 0, null, null, null, () -> releasedAt == null ? 1 : 0);
    }

    private StdioEnd takeStdio() {
        StdioProgram started = program;
        if (started == null) {
            throw new IllegalStateException("program %s has not started".formatted(logName));
        }
        return new StdioEnd(started.takeParentEnd(), started.kind() == StdioKind.PTY);
    }

    /**
     * How the program is doing, without blocking: its published end, else the reaped status, else exiting or
     * running from one procfs read.
     */
    private WorkerOutcome outcome() {
        WorkerOutcome known = ended;
        if (known != null) {
            return known;
        }
        StdioProgram started = program;
        if (started == null) {
            return WorkerOutcome.RUNNING;
        }
        CompletableFuture<ExitStatus> exit = started.child().exit();
        if (exit.isDone()) {
            if (exit.isCompletedExceptionally()) {
                return WorkerOutcome.EXITING; // the supervisor publishes "status unknown" in a moment
            }
            ExitStatus status = exit.join();
            return status.isSuccess() ? WorkerOutcome.ENDED_CLEANLY : WorkerOutcome.failed(status.brief());
        }
        return started.child().isExiting() ? WorkerOutcome.EXITING : WorkerOutcome.RUNNING;
    }

    @Override
    public void connected(Lease lease) {
        // Nothing to record: a program serves exactly this session.
    }

    @Override
    public void connectFailed(Lease lease, Throwable cause) {
        // Nothing to decide: the program is this session's alone, and the release below ends it.
    }

    @Override
    public void released(Lease lease) {
        releasedAt = clock.instant();
        StdioProgram started = program;
        if (started != null) {
            started.close(); // unless the tunnel took it: then its channel has closed it
        }
    }

    @Override
    public String toString() {
        return "program " + logName;
    }
}
