package io.sluice.spawner.pool;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code accept-timeout} for one backend: samples the accept queue of every running worker (as the kernel reports it
 * for the worker's listening socket, which Sluice no longer holds) and names the workers that are hung, by
 * {@link AcceptWatch}'s rule. At most one sample a second, however often the tick runs (demand nudges). Off when
 * {@code accept-timeout} is 0, or, after one WARN, when the kernel cannot report queues. Supervisor thread only.
 */
final class AcceptQueues {

    private static final Logger log = LoggerFactory.getLogger(AcceptQueues.class);
    static final Duration SAMPLE_EVERY = Duration.ofSeconds(1);

    /** A worker found hung, with the reason its stop carries. */
    record Hung(Worker worker, String why) {
    }

    private final String route;
    private final String backend;
    private final Duration timeout;
    /** One watch per run: keyed by the incarnation, so a restarted worker starts with a clean record. */
    private final Map<Incarnation, AcceptWatch> watches = new IdentityHashMap<>();
    private boolean kernelSilent;
    private Instant lastSample;

    AcceptQueues(String route, String backend, Duration timeout) {
        this.route = route;
        this.backend = backend;
        this.timeout = timeout;
    }

    /** Samples the running workers among {@code workers} at {@code now}; returns those that are hung. */
    List<Hung> sample(List<Worker> workers, Instant now) {
        if (timeout.isZero() || kernelSilent || lastSample != null && now.isBefore(lastSample.plus(SAMPLE_EVERY))) {
            return List.of();
        }
        lastSample = now;
        List<Hung> hung = new ArrayList<>();
        Map<Incarnation, AcceptWatch> kept = new IdentityHashMap<>();
        for (Worker worker : workers) {
            Incarnation run = worker.incarnation();
            WorkerState state = worker.state();
            if ((state != WorkerState.RUNNING && state != WorkerState.DISABLED) || run == null || run.socket == null) {
                continue;
            }
            OptionalInt queued;
            try {
                queued = run.socket.queuedConnections();
            } catch (IOException e) {
                kernelSilent = true;
                log.warn("route={} backend={}: the kernel does not report accept queues ({}); accept-timeout is not "
                        + "enforced", route, backend, e.getMessage());
                return List.of();
            }
            AcceptWatch watch = watches.computeIfAbsent(run, r -> new AcceptWatch(timeout));
            kept.put(run, watch);
            // Empty: nobody holds the socket any more (the worker closed fd 0); refusals handle that worker.
            if (watch.hung(now, queued.orElse(0))) {
                hung.add(new Hung(worker, "hung: its accept queue did not drain for accept-timeout %s (%s)"
                        .formatted(WorkerRunner.human(timeout), watch.describe(now))));
            }
        }
        watches.keySet().retainAll(kept.keySet());
        return hung;
    }
}
