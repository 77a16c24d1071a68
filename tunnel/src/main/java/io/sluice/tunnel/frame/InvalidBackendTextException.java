package io.sluice.tunnel.frame;

import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * A text route's backend sent bytes that are not UTF-8; the session closes with 1011. It carries the TEXT frame of
 * the valid characters that came before the offending byte in the same read, which the client still gets; the code
 * that catches it owns that frame and must send or release it.
 */
public final class InvalidBackendTextException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long offset;
    private final transient WebSocketFrame validPrefix;

    public InvalidBackendTextException(String message) {
        this(message, -1, null);
    }

    /**
     * @param offset      position in the backend's output of the first byte that cannot be UTF-8, or -1 if unknown
     * @param validPrefix the characters before it not yet framed, or null when there are none; owned by the catcher
     */
    public InvalidBackendTextException(String message, long offset, WebSocketFrame validPrefix) {
        super(message, null, false, false);
        this.offset = offset;
        this.validPrefix = validPrefix;
    }

    /** Position in the backend's output (counted from 0 over the whole session) of the offending byte, or -1. */
    public long offset() {
        return offset;
    }

    /** The TEXT frame of the valid characters before the offending byte, or null; the caller sends or releases it. */
    public WebSocketFrame validPrefix() {
        return validPrefix;
    }
}
