package io.sluice.spawner.spec;

import java.time.Duration;
import java.util.Objects;

/**
 * One configured backend (a host entry of a route): a name, where it listens, its limits and failure timings, and,
 * when it is spawned, how to launch it. {@code launch} is null for an existing server at {@code address}.
 */
public record BackendSpec(
        String name,
        BackendAddress address,
        Duration disableTime,
        Duration connectTimeout,
        PoolLimits limits,
        LaunchSpec launch) {

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
    }

    /** A backend that Sluice does not start: one address, static limits. */
    public static BackendSpec existing(String name, BackendAddress address, Duration disableTime,
                                       Duration connectTimeout) {
        return new BackendSpec(name, address, disableTime, connectTimeout, PoolLimits.STATIC, null);
    }

    public boolean hasLaunch() {
        return launch != null;
    }
}
