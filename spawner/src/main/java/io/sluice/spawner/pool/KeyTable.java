package io.sluice.spawner.pool;

import io.sluice.spawner.registry.Acquisition;
import io.sluice.spawner.registry.ConnectTerms;
import io.sluice.spawner.registry.SessionRequest;
import io.sluice.spawner.registry.Unavailable;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The live keys of one per-key backend and the acquire that finds a session's worker, for the event loops: a
 * concurrent map from key to its current {@link KeyWorker}, and the count of live keys that {@code max-procs} caps.
 * A lease is claimed on the key's worker by the worker's own compare-and-set of its load, which refuses a worker that
 * an idle stop claimed or the supervisor retired, so a lease never lands on a worker being stopped; such a worker is
 * replaced in the map by a new run, which the supervisor starts once the old one is reaped. No lock is held anywhere
 * and nothing here blocks. Thread-safe; {@link #remove} and {@link #publishRefusal} are called on the supervisor
 * thread.
 */
final class KeyTable {

    private final String route;
    private final ConnectTerms terms;
    private final int maxKeys;
    private final int sessionCap;
    private final int configuredSessionCap;
    private final InstantSource clock;
    private final Function<String, KeyWorker> newRun;
    private final Consumer<KeyWorker> requestStart;
    private final ConcurrentHashMap<String, KeyWorker> byKey = new ConcurrentHashMap<>();
    private final AtomicInteger live = new AtomicInteger();
    /** The latest failure to spawn at all (no key can fix it): new runs are refused until its next try. */
    private volatile FailedStarts.Failure refusal;
    /** Keys whose worker exited at its start: only that key is refused until the failure's next try. */
    private final ConcurrentHashMap<String, FailedStarts.Failure> keyRefusals = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param maxSessionsPerKey 0 for no cap
     * @param newRun            makes a new, unstarted run for a key (any thread)
     * @param requestStart      asks the supervisor thread to start a new run (any thread; must not block)
     */
    KeyTable(String route, ConnectTerms terms, int maxKeys, int maxSessionsPerKey, InstantSource clock,
             Function<String, KeyWorker> newRun, Consumer<KeyWorker> requestStart) {
        this.route = route;
        this.terms = terms;
        this.maxKeys = maxKeys;
        this.configuredSessionCap = maxSessionsPerKey;
        this.sessionCap = maxSessionsPerKey == 0 ? Integer.MAX_VALUE : maxSessionsPerKey;
        this.clock = clock;
        this.newRun = newRun;
        this.requestStart = requestStart;
    }

    /** A lease on {@code request.key()}'s worker, started for it if need be; or why not. Never blocks. */
    Acquisition acquire(SessionRequest request) {
        String key = request.key();
        if (key == null) {
            return new Unavailable(route, "route '%s' needs a key for its per-key host".formatted(route));
        }
        if (closed) {
            return new Unavailable(route, "no backend of route '%s' is available: it is stopping".formatted(route));
        }
        // Each turn either ends or finds the map changed by another thread; a few turns always suffice.
        for (int turn = 0; turn < 8; turn++) {
            KeyWorker current = byKey.get(key);
            if (current == null) {
                Acquisition started = startNew(key);
                if (started != null) {
                    return started;
                }
                continue;
            }
            int load = current.worker.acquireLoadBelow(sessionCap);
            if (load > 0) {
                return current.lease(route, terms);
            }
            if (load == 0) {
                return new Unavailable(route, "route '%s': this key already has %d sessions (max-sessions-per-key)"
                        .formatted(route, configuredSessionCap), "", Unavailable.TOO_MANY_REQUESTS);
            }
            // Closed: stopping (idle, max-age, refusals) or crashed. A new run takes its place in the map and its
            // count, and starts once the old one is reaped.
            Unavailable refused = refusedNow(key);
            if (refused != null) {
                return refused;
            }
            KeyWorker fresh = claimedRun(key);
            if (byKey.replace(key, current, fresh)) {
                requestStart.accept(fresh);
                return fresh.lease(route, terms);
            }
            fresh.worker.releaseLoad(clock.instant());
        }
        return new Unavailable(route, "route '%s': the key's worker is changing; try again".formatted(route));
    }

    /** A new key: within max-procs, a first run holding this session's load; null when another thread won. */
    private Acquisition startNew(String key) {
        Unavailable refused = refusedNow(key);
        if (refused != null) {
            return refused;
        }
        if (!reserve()) {
            return new Unavailable(route, "route '%s': per-key limit reached (%d live keys)".formatted(route, maxKeys));
        }
        KeyWorker fresh = claimedRun(key);
        if (byKey.putIfAbsent(key, fresh) != null) {
            live.decrementAndGet();
            fresh.worker.releaseLoad(clock.instant());
            return null;
        }
        requestStart.accept(fresh);
        return fresh.lease(route, terms);
    }

    private KeyWorker claimedRun(String key) {
        KeyWorker fresh = newRun.apply(key);
        // Claimed before it is visible, so the supervisor never sees it idle.
        fresh.worker.acquireLoadBelow(Integer.MAX_VALUE);
        return fresh;
    }

    private boolean reserve() {
        while (true) {
            int now = live.get();
            if (now >= maxKeys) {
                return false;
            }
            if (live.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** A 503 with the failed start that holds back new runs of {@code key} while its backoff lasts, else null. */
    private Unavailable refusedNow(String key) {
        FailedStarts.Failure latest = refusal;
        Instant now = clock.instant();
        if (latest == null || !now.isBefore(latest.nextTry())) {
            latest = keyRefusals.isEmpty() ? null : keyRefusals.get(key);
            if (latest == null || !now.isBefore(latest.nextTry())) {
                return null;
            }
        }
        return new Unavailable(route, "no backend of route '%s' is available: %s".formatted(route,
                latest.describeForClients(now)), latest.describe(now));
    }

    /** Takes {@code run} out of the map if it is still its key's current run; true when it was. Any thread. */
    boolean remove(KeyWorker run) {
        if (byKey.remove(run.key, run)) {
            live.decrementAndGet();
            return true;
        }
        return false;
    }

    /** Whether {@code run} is its key's current run. Any thread. */
    boolean isCurrent(KeyWorker run) {
        return byKey.get(run.key) == run;
    }

    /** New runs of every key are refused while {@code latest}'s backoff lasts; null clears it. Supervisor thread. */
    void publishRefusal(FailedStarts.Failure latest) {
        refusal = latest;
    }

    /** New runs of {@code key} alone are refused while {@code failure}'s backoff lasts. Supervisor thread. */
    void refuseKey(String key, FailedStarts.Failure failure) {
        keyRefusals.put(key, failure);
    }

    /** Forgets the per-key refusals whose backoff passed. Supervisor thread. */
    void pruneRefusals(Instant now) {
        keyRefusals.values().removeIf(failure -> !now.isBefore(failure.nextTry()));
    }

    /** No acquire succeeds from now on (the supervisor is stopping, or a reload replaced the host). */
    void close() {
        closed = true;
    }

    /** Keys with a worker or a session waiting for one. Any thread. */
    int liveKeys() {
        return live.get();
    }
}
