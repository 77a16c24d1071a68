package io.sluice.tunnel.frame;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * Turns the backend's byte stream into server-to-client frames of one kind, keeping whatever must wait for more
 * bytes (an incomplete UTF-8 sequence). One instance per session, confined to its loop.
 */
public interface BackendFramer {

    /**
     * Frames the given bytes, taking ownership of {@code bytes}.
     *
     * @return the frame to send, or null when every byte is carried until more arrive
     * @throws InvalidBackendTextException when a text route gets bytes that are not UTF-8 at all
     */
    WebSocketFrame frame(ByteBuf bytes);

    /**
     * The backend ended: returns a last frame for carried bytes, or null (no framer has one today).
     *
     * @throws InvalidBackendTextException when the stream ended inside a UTF-8 sequence
     */
    WebSocketFrame finish();

    /** Releases carried bytes; called once when the session ends. */
    void release();
}
