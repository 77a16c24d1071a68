package io.sluice.tunnel.frame;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * The client-bound messages of one session's backend output, taken one at a time: the relay offers each backend read
 * and then takes messages only while the client is writable, so a read that makes many messages (many short lines)
 * never floods the client's outbound buffer, and the backend is read again only once every message was taken.
 * Content errors surface from {@link #next()} after every valid message before them, so the client gets what was
 * valid and then the close. One instance per session, confined to its event loop.
 */
public interface BackendMessages {

    /** Takes ownership of {@code read}, the backend's next read; it may come before earlier reads were all taken. */
    void offer(ByteBuf read);

    /**
     * The next message of the reads offered so far, or null when none is complete (what waits for more bytes stays).
     *
     * @throws InvalidBackendTextException on a text route, once the valid messages before bytes that are not UTF-8
     *                                     were taken
     * @throws LineTooLongException        with {@code framing: lines}, for a line longer than {@code max-line-length}
     */
    WebSocketFrame next();

    /**
     * The backend ended and every message was taken: a last message for what was held back, or null.
     *
     * @throws InvalidBackendTextException when the output ended inside a UTF-8 sequence
     */
    WebSocketFrame finish();

    /** Releases untaken reads and held bytes; called once when the session ends. Idempotent. */
    void release();
}
