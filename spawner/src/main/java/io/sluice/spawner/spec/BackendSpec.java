package io.sluice.spawner.spec;

import java.time.Duration;
import java.util.Objects;

/**
 * One configured backend (a host entry of a route): a name, where it listens, its limits and failure timings, and,
 * when it is spawned, how to launch it. {@code launch} is null for an existing server at {@code address};
 * {@code perKey} is set only for {@code instances: per-key} (one worker per key, on a unix socket derived from
 * {@code address}); {@code proxyProtocol} asks the tunnel to start every connection to it with a PROXY protocol v2
 * header ({@code proxy-protocol: v2}).
 */
public record BackendSpec(
        String name,
        BackendAddress address,
        Duration disableTime,
        Duration connectTimeout,
        PoolLimits limits,
        LaunchSpec launch,
        PerKeySpec perKey,
        boolean proxyProtocol) {

    /** A backend that is not per-key and sends no PROXY header. */
    public BackendSpec(String name, BackendAddress address, Duration disableTime, Duration connectTimeout,
                       PoolLimits limits, LaunchSpec launch) {
        this(name, address, disableTime, connectTimeout, limits, launch, null, false);
    }

    public BackendSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(disableTime, "disableTime");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(limits, "limits");
        if (disableTime.isNegative()) {
            throw new InvalidOptionException("disable-time", "must not be negative, got " + disableTime, null);
        }
        if (connectTimeout.isNegative()) {
            throw new InvalidOptionException("connect-timeout", "must not be negative, got " + connectTimeout, null);
        }
        if (perKey != null && launch == null) {
            throw new InvalidOptionException("instances", "per-key needs bin-path", null);
        }
        if (perKey != null && !(address instanceof BackendAddress.UnixPath)) {
            throw new InvalidOptionException("instances", "per-key workers listen on unix sockets; remove host and "
                    + "port", null);
        }
    }

    /** A backend that Sluice does not start: one address, static limits. */
    public static BackendSpec existing(String name, BackendAddress address, Duration disableTime,
                                       Duration connectTimeout) {
        return new BackendSpec(name, address, disableTime, connectTimeout, PoolLimits.STATIC, null);
    }

    public boolean hasLaunch() {
        return launch != null;
    }

    public boolean isPerKey() {
        return perKey != null;
    }
}
