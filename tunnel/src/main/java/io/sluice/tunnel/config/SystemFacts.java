package io.sluice.tunnel.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What loading a config reads from the running system: Sluice's own environment (the source of
 * {@code bin-copy-environment}, of the inherited environment and of the {@code runtime-dir} default) and the kernel's
 * {@code somaxconn} (for the {@code listen-backlog} default). Immutable; tests pass their own so results do not
 * depend on the machine.
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

    /**
     * The {@code runtime-dir} default: {@code $XDG_RUNTIME_DIR/sluice} when that variable holds an absolute path (the
     * XDG spec ignores a relative one), else {@code sluice-<user>} under {@code java.io.tmpdir}. Not created here.
     */
    public Path defaultRuntimeDir() {
        String xdg = environment.get("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "sluice");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "sluice-" + System.getProperty("user.name"));
    }

    private static int readSomaxconn() {
        return readSomaxconn(SOMAXCONN);
    }

    /** The positive number in {@code file}, or {@link #FALLBACK_SOMAXCONN} when it cannot be read or is not one. */
    static int readSomaxconn(Path file) {
        // One large read: Files.readString trusts the size a /proc file reports (0) and starts with a one-byte read,
        // and a sysctl file answers any read at an offset other than 0 with end of file, so "4096" came back as "4".
        try (InputStream in = Files.newInputStream(file)) {
            int value = Integer.parseInt(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
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
