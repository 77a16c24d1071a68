package io.sluice.spawner.spec;

import java.time.Duration;
import java.util.Objects;

/**
 * One configured backend (a host entry of a route): a name, where it listens, its limits and failure timings, and,
 * when it is spawned, how to launch it. {@code launch} is null for an existing server at {@code address};
 * {@code perKey} is set only for {@code instances: per-key} (one worker per key, on a unix socket derived from
 * {@code address}); {@code perConnection} only for {@code instances: per-connection} (one program per session, its
 * address {@link BackendAddress.Stdio}); {@code proxyProtocol} asks the tunnel to start every connection to it with a
 * PROXY protocol v2 header ({@code proxy-protocol: v2}).
 */
public record BackendSpec(
        String name,
        BackendAddress address,
        Duration disableTime,
        Duration connectTimeout,
        PoolLimits limits,
        LaunchSpec launch,
        PerKeySpec perKey,
        boolean proxyProtocol,
        PerConnectionSpec perConnection) {

    /** A backend that is not per-key and sends no PROXY header. */
    public BackendSpec(String name, BackendAddress address, Duration disableTime, Duration connectTimeout,
                       PoolLimits limits, LaunchSpec launch) {
        this(name, address, disableTime, connectTimeout, limits, launch, null, false);
    }

    /** A backend that is not per-connection. */
    public BackendSpec(String name, BackendAddress address, Duration disableTime, Duration connectTimeout,
                       PoolLimits limits, LaunchSpec launch, PerKeySpec perKey, boolean proxyProtocol) {
        this(name, address, disableTime, connectTimeout, limits, launch, perKey, proxyProtocol, null);
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
        if (perConnection != null && (launch == null || perKey != null)) {
            throw new InvalidOptionException("instances", "per-connection needs bin-path and is not per-key", null);
        }
        if ((perConnection != null) != (address instanceof BackendAddress.Stdio)) {
            throw new InvalidOptionException("instances", "a per-connection program is reached through its stdio, "
                    + "and only such a program is", null);
        }
        if (perConnection != null && proxyProtocol) {
            throw new InvalidOptionException("proxy-protocol", "a per-connection program gets the client's address "
                    + "as REMOTE_ADDR in its environment, not as a PROXY header", null);
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

    public boolean isPerConnection() {
        return perConnection != null;
    }
}
