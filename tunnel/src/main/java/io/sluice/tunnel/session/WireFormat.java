package io.sluice.tunnel.session;

/**
 * How one session's payloads travel on the WebSocket: the route's {@code frame-type}, unless the client asked for
 * the {@code binary} or {@code base64} subprotocol. Immutable.
 */
public enum WireFormat {
    /** TEXT frames, every one valid UTF-8. */
    TEXT,
    /** BINARY frames. */
    BINARY,
    /** TEXT frames carrying base64 both ways (websockify's {@code base64} subprotocol). */
    BASE64
}
