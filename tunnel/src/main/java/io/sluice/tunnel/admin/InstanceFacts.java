package io.sluice.tunnel.admin;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * What /status says about this Sluice process itself. Immutable. {@code configFile} is null when the configuration
 * was built in code.
 */
public record InstanceFacts(String version, long pid, Instant startedAt, Path configFile, String transport) {
    public InstanceFacts {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(transport, "transport");
    }
}
