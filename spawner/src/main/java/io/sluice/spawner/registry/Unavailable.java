package io.sluice.spawner.registry;

import java.util.Objects;

/** No backend of {@code route} can take a connection now; {@code reason} is one line, fit for a 503 body. */
public record Unavailable(String route, String reason) implements Acquisition {
    public Unavailable {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(reason, "reason");
    }
}
