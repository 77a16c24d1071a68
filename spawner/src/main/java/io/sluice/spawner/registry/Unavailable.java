package io.sluice.spawner.registry;

import java.util.Objects;

/**
 * No backend of {@code route} can take a connection now. {@code reason} is one line for the client (the response
 * body): the route and a short cause, never a backend's name, address or socket path. {@code detail} is for the log:
 * which backends are in which state; empty when the reason says it all. {@code status} is the HTTP status the tunnel
 * answers with: {@value #SERVICE_UNAVAILABLE} by default, {@value #TOO_MANY_REQUESTS} when one key already has as
 * many sessions as it may.
 */
public record Unavailable(String route, String reason, String detail, int status) implements Acquisition {

    /** No backend can take the session now. */
    public static final int SERVICE_UNAVAILABLE = 503;
    /** The caller (one key) has too many sessions; others are served. */
    public static final int TOO_MANY_REQUESTS = 429;

    public Unavailable {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an unavailable status must be 4xx or 5xx, got " + status);
        }
    }

    /** A 503 with a detail for the log. */
    public Unavailable(String route, String reason, String detail) {
        this(route, reason, detail, SERVICE_UNAVAILABLE);
    }

    /** A 503 whose reason needs no detail. */
    public Unavailable(String route, String reason) {
        this(route, reason, "");
    }
}
