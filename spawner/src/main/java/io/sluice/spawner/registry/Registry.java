package io.sluice.spawner.registry;

/**
 * The shared, thread-safe face of the supervisor for the tunnel. Never blocks; safe on any event loop.
 */
public interface Registry {

    /**
     * Picks a backend of {@code route} with the route's balance policy (or, for a per-key host, the worker of
     * {@code request.key()}) and claims one unit of its capacity.
     *
     * @return a {@link Lease} (load +1 until it is closed) or {@link Unavailable} with a one-line reason and status
     */
    Acquisition acquire(String route, SessionRequest request);
}
