package io.sluice.spawner.balance;

import io.sluice.spawner.registry.BackendView;
import io.sluice.spawner.registry.SelectionKey;
import io.sluice.spawner.spec.BalanceKind;
import java.util.List;
import java.util.Objects;

/**
 * Picks one backend among a route's backends, exactly as lighttpd's {@code gw_host_get}: only active backends are
 * candidates, and a route with a single backend takes it iff it is active, without running any algorithm.
 * Implementations are safe to call from any thread without locks; {@link #roundRobin()} keeps a cursor, so each route
 * needs its own instance.
 */
public sealed interface BalancePolicy permits LeastConnection, RoundRobin, Hash, Sticky {

    /**
     * Chooses a backend.
     *
     * @return the index of the chosen backend in {@code backends}, or -1 when none is active
     */
    int select(List<? extends BackendView> backends, SelectionKey key);

    /** Minimum load; ties go to the lowest index (lighttpd {@code fair}, the default). */
    static BalancePolicy leastConnection() {
        return LeastConnection.INSTANCE;
    }

    /** A new per-route cursor over the active backends; never share one instance between routes. */
    static BalancePolicy roundRobin() {
        return new RoundRobin();
    }

    /** Rendezvous-like hash of the request's path and authority; ties go to the highest index. */
    static BalancePolicy hash() {
        return Hash.INSTANCE;
    }

    /** Rendezvous-like hash of the client's address; ties go to the highest index. */
    static BalancePolicy sticky() {
        return Sticky.INSTANCE;
    }

    /** The policy for {@code kind}; a fresh instance where the policy has state. */
    static BalancePolicy of(BalanceKind kind) {
        return switch (Objects.requireNonNull(kind, "kind")) {
            case LEAST_CONNECTION -> leastConnection();
            case ROUND_ROBIN -> roundRobin();
            case HASH -> hash();
            case STICKY -> sticky();
        };
    }
}
