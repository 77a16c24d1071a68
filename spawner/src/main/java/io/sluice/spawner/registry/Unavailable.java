package io.sluice.spawner.registry;

import java.util.Objects;

/**
 * No backend of {@code route} can take a connection now. {@code reason} is one line for the client (the 503 body):
 * the route and a short cause, never a backend's name, address or socket path. {@code detail} is for the log: which
 * backends are in which state; empty when the reason says it all.
 */
public record Unavailable(String route, String reason, String detail) implements Acquisition {
    public Unavailable {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }

    /** A refusal whose reason needs no detail. */
    public Unavailable(String route, String reason) {
        this(route, reason, "");
    }
}
