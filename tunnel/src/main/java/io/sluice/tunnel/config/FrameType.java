package io.sluice.tunnel.config;

/** The WebSocket frame type backend bytes are sent to the client in ({@code frame-type}). */
public enum FrameType {
    TEXT,
    BINARY;

    public static final String ALLOWED = "text, binary";
}
