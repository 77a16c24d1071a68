package io.sluice.tunnel.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What loading a config reads from the running system: Sluice's own environment (the source of
 * {@code bin-copy-environment} and of the inherited environment) and the kernel's {@code somaxconn} (for the
 * {@code listen-backlog} default). Immutable; tests pass their own so results do not depend on the machine.
 */
public record SystemFacts(Map<String, String> environment, int somaxconn) {
    /** Used when {@code /proc/sys/net/core/somaxconn} cannot be read: the value of current kernels. */
    public static final int FALLBACK_SOMAXCONN = 4096;
    /** lighttpd's floor for the default backlog (1.4.79+). */
    public static final int MIN_DEFAULT_BACKLOG = 1024;

    private static final Path SOMAXCONN = Path.of("/proc/sys/net/core/somaxconn");

    public SystemFacts {
        environment = Map.copyOf(environment);
        if (somaxconn < 1) {
            throw new IllegalArgumentException("somaxconn must be positive, got " + somaxconn);
        }
    }

    /** This process's environment and the kernel's somaxconn. */
    public static SystemFacts current() {
        return new SystemFacts(System.getenv(), readSomaxconn());
    }

    /** The {@code listen-backlog} default: {@code max(somaxconn, 1024)}, as lighttpd. */
    public int defaultListenBacklog() {
        return Math.max(somaxconn, MIN_DEFAULT_BACKLOG);
    }

    private static int readSomaxconn() {
        try {
            int value = Integer.parseInt(Files.readString(SOMAXCONN).trim());
            return value > 0 ? value : FALLBACK_SOMAXCONN;
        } catch (IOException | NumberFormatException | SecurityException e) {
            return FALLBACK_SOMAXCONN;
        }
    }

    @Override
    public String toString() {
        return "SystemFacts[%d variables, somaxconn=%d]".formatted(environment.size(), somaxconn);
    }
}
