package io.sluice.tunnel.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The WebSocket frame type backend bytes are sent to the client in ({@code frame-type}). */
public enum FrameType {
    TEXT,
    BINARY;

    public static final String ALLOWED = "text, binary";

    /** The name in the config file: {@code text} or {@code binary}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Exact, lower-case match; empty for anything else (lighttpd silently took any other value as text). */
    public static Optional<FrameType> fromConfig(String name) {
        return Arrays.stream(values()).filter(t -> t.configName().equals(name)).findFirst();
    }
}
