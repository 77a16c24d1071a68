package io.sluice.tunnel.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code server.*} options. {@code documentRoot} is null when no static files are served; a zero
 * {@code maxReadIdle} or {@code maxMessageSize} means off.
 */
public record ServerOptions(
        String bind,
        int port,
        Path documentRoot,
        Path runtimeDir,
        int maxConnections,
        Duration handshakeTimeout,
        Duration maxReadIdle,
        long maxMessageSize,
        Duration gracefulShutdownTimeout) {

    public ServerOptions {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(runtimeDir, "runtimeDir");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(maxReadIdle, "maxReadIdle");
        Objects.requireNonNull(gracefulShutdownTimeout, "gracefulShutdownTimeout");
    }
}
