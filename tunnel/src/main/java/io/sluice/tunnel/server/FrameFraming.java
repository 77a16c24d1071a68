package io.sluice.tunnel.server;

import io.netty.buffer.ByteBuf;
import io.sluice.tunnel.frame.BackendFramer;
import io.sluice.tunnel.frame.BackendFramers;
import io.sluice.tunnel.frame.Base64ChunkDecoder;
import io.sluice.tunnel.session.ClientPayloadDecoder;
import io.sluice.tunnel.session.Framing;
import io.sluice.tunnel.session.WireFormat;

/** Connects sessions to the framers and the base64 decoder of the {@code frame} package. Stateless singleton. */
enum FrameFraming implements Framing {
    INSTANCE;

    @Override
    public BackendFramer backendFramer(WireFormat format) {
        return switch (format) {
            case TEXT -> BackendFramers.text();
            case BINARY -> BackendFramers.binary();
            case BASE64 -> BackendFramers.base64();
        };
    }

    @Override
    public ClientPayloadDecoder clientDecoder(WireFormat format) {
        if (format != WireFormat.BASE64) {
            return ClientPayloadDecoder.IDENTITY;
        }
        Base64ChunkDecoder base64 = new Base64ChunkDecoder();
        return new ClientPayloadDecoder() {
            @Override
            public ByteBuf decode(ByteBuf chunk, boolean endOfMessage) {
                return base64.decode(chunk, endOfMessage);
            }

            @Override
            public void release() {
                // Base64ChunkDecoder carries only a few bits of state, no buffers.
            }
        };
    }
}
