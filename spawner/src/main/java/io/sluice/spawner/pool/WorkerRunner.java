package io.sluice.spawner.pool;

import io.sluice.spawner.process.ChildProcess;
import io.sluice.spawner.process.ExitStatus;
import io.sluice.spawner.process.ListenSocket;
import io.sluice.spawner.process.ProcessLauncher;
import io.sluice.spawner.process.SpawnException;
import io.sluice.spawner.registry.WorkerOutcome;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.BackendSpec;
import io.sluice.spawner.spec.LaunchSpec;
import io.sluice.spawner.spec.StopLadder;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the processes of one spawned backend's workers: listen and spawn (DEAD -> STARTING -> RUNNING), the stop
 * ladder (-> STOPPING), and the exit (-> DEAD, with the crash backoff). Decides nothing about when; that is
 * {@link ProcessPool#tick}. Supervisor thread only; exits arrive on the reaper thread and hop to it.
 */
final class WorkerRunner {

    private static final Logger log = LoggerFactory.getLogger(WorkerRunner.class);

    private final String route;
    private final BackendSpec spec;
    private final InstantSource clock;
    private final Executor supervisorThread;
    private final ScheduledExecutorService timer;
    private final ProcessLauncher launcher;
    private final RestartBackoff backoff;
    private final StopLadder ladder;
    private final FailedStarts failedStarts;
    private final Consumer<Worker> reaped;

    WorkerRunner(String route, BackendSpec spec, InstantSource clock, Executor supervisorThread,
                 ScheduledExecutorService timer, ProcessLauncher launcher, RestartBackoff backoff, StopLadder ladder,
                 FailedStarts failedStarts, Consumer<Worker> reaped) {
        this.route = route;
        this.spec = spec;
        this.clock = clock;
        this.supervisorThread = supervisorThread;
        this.timer = timer;
        this.launcher = launcher;
        this.backoff = backoff;
        this.ladder = ladder;
        this.failedStarts = failedStarts;
        this.reaped = reaped;
    }

    /**
     * Listens on the worker's address and spawns its process; RUNNING on return, when connections already queue in
     * the backlog, so the incarnation's ready() completes. On failure the worker is DEAD with a backoff, waiters fail.
     *
     * @throws WorkerStartException naming route, backend, worker, path or binary, errno and hint
     */
    void launch(Worker worker, String why) {
        launch(worker, why, spec.launch(), Map.of());
    }

    /**
     * {@link #launch(Worker, String)} with a launch of this worker's own ({@code launch}: a per-key worker's folder)
     * and more variables ({@code env}: its {@code SLUICE_KEY}).
     */
    void launch(Worker worker, String why, LaunchSpec launch, Map<String, String> env) {
        Incarnation run = worker.incarnation();
        worker.moveTo(WorkerState.STARTING, why);
        try {
            Map<String, String> extra = new HashMap<>(env);
            extra.put("SLUICE_ROUTE", route);
            extra.put("SLUICE_WORKER_ID", Integer.toString(worker.id()));
            run.socket = listen(worker.address());
            run.child = launcher.launch(launch, run.socket, extra, logName(worker));
        } catch (IOException | RuntimeException e) {
            failedToStart(worker, run, e);
        }
        Instant now = clock.instant();
        run.startedAt = now;
        worker.markUsed(now);
        ChildProcess child = run.child;
        worker.moveTo(WorkerState.RUNNING, "pid %d listening on %s".formatted(child.pid(),
                worker.address().describe()));
        run.ready.complete(null);
        // Attached last: even a child that is already gone is handled as the exit of a RUNNING worker.
        child.exit().whenCompleteAsync((status, failure) -> {
            try {
                exited(worker, run, status, failure);
            } catch (RuntimeException e) {
                log.error("worker {}: handling its exit failed", worker.name(), e);
            }
        }, supervisorThread);
    }

    /**
     * Runs the stop ladder on a live worker: STOPPING until the exit arrives. Idle stop, scale-down, restart after
     * refusals and shutdown all come here.
     *
     * @param restart start it again as soon as it is reaped
     */
    void stop(Worker worker, String reason, boolean restart) {
        Incarnation run = worker.incarnation();
        run.stopReason = reason;
        run.restartWhenReaped = restart;
        worker.moveTo(WorkerState.STOPPING, reason);
        // The ladder's progress lives in the child's LadderRun, which exists only while this worker is STOPPING.
        run.child.stop(ladder, timer);
    }

    /**
     * Restarts a worker that failed while running (hung): the ladder, then a restart at once, and its exit is a
     * failure whatever its status, so its sessions end as after a crash.
     */
    void stopFailed(Worker worker, String reason) {
        // Short: it may reach the worker's clients in a close reason; the stop line logs the whole reason.
        worker.incarnation().faultyBecause = "hung";
        stop(worker, reason, true);
    }

    private void failedToStart(Worker worker, Incarnation run, Exception e) {
        String problem = e instanceof SpawnException ? e.getMessage()
                : "worker %s: cannot listen on %s: %s".formatted(worker.name(), worker.address().describe(),
                        e.getMessage());
        WorkerStartException failure = new WorkerStartException(
                "route '%s' backend '%s': %s".formatted(route, spec.name(), problem), e);
        if (run.socket != null) {
            run.socket.close();
        }
        worker.setIncarnation(new Incarnation());
        Instant now = clock.instant();
        countCrash(worker, Duration.ZERO);
        Instant restartAt = failedStarts.record(problem, "the worker cannot be started", now, now,
                worker.crashes()).nextTry();
        worker.moveTo(WorkerState.DEAD, "could not start", restartAt);
        log.warn("{}; retrying in {}", failure.getMessage(), human(Duration.between(now, restartAt)));
        run.failBeforeSpawn(failure);
        throw failure;
    }

    /**
     * The process of {@code run} was reaped: DEAD, one log line, the lease futures complete, the socket file goes.
     * The socket is not kept for the next run: while the worker is DEAD (up to a minute of backoff) a kept socket
     * would accept connections into its backlog that nobody serves, so the tunnel would "connect" and hang instead
     * of failing over or answering 503; a removed socket refuses at once, and an idle-stopped worker leaves no file.
     */
    private void exited(Worker worker, Incarnation run, ExitStatus status, Throwable failure) {
        if (worker.incarnation() != run) {
            log.error("worker {}: exit of an older run reported; ignored", worker.name());
            return;
        }
        Instant now = clock.instant();
        Duration uptime = Duration.between(run.startedAt, now);
        String how = failure != null ? "ended, status unknown (" + failure.getMessage() + ")" : status.describe();
        WorkerOutcome outcome = failure != null ? WorkerOutcome.failed("status unknown")
                : run.outcomeOf(status);
        String who = "worker %s (route %s, pid %d) %s after %s".formatted(worker.name(), route, run.child.pid(), how,
                human(uptime));
        worker.setIncarnation(new Incarnation());
        // Crash accounting first: the DEAD edge's snapshot must know the restart time (no offer while backing off).
        Instant restartAt = run.stopReason != null ? (run.restartWhenReaped ? now : null)
                : restartAfterCrash(worker, run, uptime, how + " after " + human(uptime));
        // The edge's reason stays short: the one line per exit, with the status, is logged below.
        worker.moveTo(WorkerState.DEAD, "process reaped", restartAt);
        run.ended(outcome);
        if (run.stopReason == null) {
            logCrash(who, uptime, Duration.between(now, restartAt));
        } else if (run.restartWhenReaped) {
            log.info("{} (stopped: {}); restarting now", who, run.stopReason);
        } else if (failure == null && ProcessPool.expectedStopExit(status, spec.launch().killSignal())) {
            log.info("{} (stopped: {})", who, run.stopReason);
        } else {
            log.warn("{} (stopped: {})", who, run.stopReason);
        }
        reaped.accept(worker);
    }

    /**
     * A worker exited unasked: an ordinary crash restarts after the worker's own backoff; an exit within moments of
     * its start is also a failed start of the backend (see {@link FailedStarts}), which may hold it back longer.
     * Returns the restart time.
     */
    private Instant restartAfterCrash(Worker worker, Incarnation run, Duration uptime, String how) {
        Instant restartAt = countCrash(worker, uptime);
        if (!FailedStarts.atStart(uptime)) {
            failedStarts.clear(); // it ran, so the program can
            return restartAt;
        }
        return failedStarts.record("worker exits at start: " + how, "worker exits at start: " + how, run.startedAt,
                clock.instant(), worker.crashes())
                .nextTry();
    }

    /** The one line per crash; after a failed start also the run of failures, and the first says why it happens. */
    private void logCrash(String who, Duration uptime, Duration delay) {
        FailedStarts.Failure failure = failedStarts.latest();
        if (!FailedStarts.atStart(uptime) || failure == null) {
            log.warn("{}; restarting in {}", who, human(delay));
            return;
        }
        log.warn("{}, at its start ({} failed start{} in a row); next try in {}, one worker at a time until one has "
                        + "run {}", who, failure.inARow(), failure.inARow() == 1 ? "" : "s", human(delay),
                human(FailedStarts.PROBATION));
        if (failure.first()) {
            log.warn("backend '{}' of route '{}': its worker exits within moments of its start. A worker's fd 0 is a "
                    + "listening socket, not stdin: the program must accept connections on it in a loop "
                    + "(docs/writing-backends.md). A program that reads stdin and writes stdout needs one process "
                    + "per connection: instances: per-connection", spec.name(), route);
        }
    }

    /** Counts a crash (or failed start) of a worker; returns the earliest restart after its own backoff. */
    private Instant countCrash(Worker worker, Duration uptime) {
        int crashes = backoff.wasHealthy(uptime) ? 1 : worker.crashes() + 1;
        worker.setCrashes(crashes);
        return clock.instant().plus(backoff.delay(crashes));
    }

    private ListenSocket listen(BackendAddress address) throws IOException {
        int backlog = spec.launch().listenBacklog();
        if (address instanceof BackendAddress.UnixPath unix) {
            return ListenSocket.unix(unix.path(), backlog, spec.launch().socketMode());
        }
        BackendAddress.Tcp tcp = (BackendAddress.Tcp) address;
        return ListenSocket.tcp(tcp.host(), tcp.port(), backlog);
    }

    /** "12 ms", "2.1 s". */
    static String human(Duration duration) {
        long millis = duration.toMillis();
        return millis < 1000 ? millis + " ms" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    /** How the worker's output lines and ladder steps name it: worker id and route, the pid is added there. */
    private String logName(Worker worker) {
        return "%s (route %s)".formatted(worker.name(), route);
    }
}
