package io.sluice.tunnel.session;

import io.netty.buffer.ByteBuf;

/**
 * Turns client payload chunks into the bytes the backend gets: as they are, or base64-decoded for the
 * {@code base64} subprotocol (carrying a partial quantum between chunks). One per session, confined to its loop.
 */
public interface ClientPayloadDecoder {

    /**
     * Takes ownership of {@code chunk}, the next piece of one client message; returns the bytes to write (possibly
     * empty), or null when all are carried. A malformed payload raises {@code InvalidBase64Exception}.
     */
    ByteBuf decode(ByteBuf chunk, boolean endOfMessage);

    /** Releases carried bytes; called once when the session ends. */
    void release();

    /** The identity decoder: payload slices go to the backend untouched, no copy. */
    ClientPayloadDecoder IDENTITY = new ClientPayloadDecoder() {
        @Override
        public ByteBuf decode(ByteBuf chunk, boolean endOfMessage) {
            return chunk;
        }

        @Override
        public void release() {
        }
    };
}
