package io.sluice.bench;

/**
 * Where LoadGen connects and how it talks: raw TCP (baseline echo) or a WebSocket upgrade on {@code path}, optionally
 * offering a subprotocol (websockify wants {@code binary}), optionally over TLS ({@code tls}: wss). Immutable.
 */
record Target(String host, int port, String path, boolean raw, String subprotocol, boolean tls) {
    Target {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got %d".formatted(port));
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/', got '%s'".formatted(path));
        }
    }

    String describe() {
        return raw ? "%s://%s:%d".formatted(tls ? "tls" : "tcp", host, port)
            : "%s://%s:%d%s".formatted(tls ? "wss" : "ws", host, port, path);
    }
}
