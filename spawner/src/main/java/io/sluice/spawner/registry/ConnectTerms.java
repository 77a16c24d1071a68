package io.sluice.spawner.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * How the tunnel connects to a backend, as configured for it: the bound on one connect ({@code connect-timeout},
 * zero = none), the bound on waiting for a worker that is being started ({@code start-timeout} of a per-key host,
 * else {@code connect-timeout}), and whether the connection starts with a PROXY protocol v2 header
 * ({@code proxy-protocol: v2}). Immutable; one per backend, shared by its leases.
 */
public record ConnectTerms(Duration connectTimeout, Duration startTimeout, boolean proxyProtocol) {
    public ConnectTerms {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(startTimeout, "startTimeout");
    }

    /** The terms of a backend with only a {@code connect-timeout}: waiting for a start has the same bound. */
    public static ConnectTerms of(Duration connectTimeout) {
        return new ConnectTerms(connectTimeout, connectTimeout, false);
    }
}
