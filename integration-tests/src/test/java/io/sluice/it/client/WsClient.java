package io.sluice.it.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** What every test client offers: send text or binary, count and checksum what came back, see the close code. */
public interface WsClient extends AutoCloseable {

    void sendBinary(byte[] data) throws Exception;

    void sendText(String text) throws Exception;

    /** Everything received so far, text as UTF-8, in order. */
    Received received();

    /** Completes with the close code the server sent (or 1006 when the connection ended without a CLOSE). */
    CompletableFuture<Integer> closeCode();

    /** Starts the closing handshake with this code. */
    void close(int code) throws Exception;

    /** Waits (bounded) until at least {@code bytes} payload bytes arrived. */
    default void awaitBytes(long bytes, Duration atMost) {
        org.awaitility.Awaitility.await().atMost(atMost).until(() -> received().bytes() >= bytes
                || closeCode().isDone());
    }

    @Override
    void close() throws Exception;
}
