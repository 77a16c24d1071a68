package io.sluice.tunnel.server;

import io.netty.buffer.ByteBuf;
import io.sluice.tunnel.config.MessageFraming;
import io.sluice.tunnel.frame.BackendFramers;
import io.sluice.tunnel.frame.BackendMessages;
import io.sluice.tunnel.frame.Base64ChunkDecoder;
import io.sluice.tunnel.frame.ClientLineEncoder;
import io.sluice.tunnel.frame.LineFramer;
import io.sluice.tunnel.frame.StreamMessages;
import io.sluice.tunnel.session.ClientPayloadDecoder;
import io.sluice.tunnel.session.Framing;
import io.sluice.tunnel.session.WireFormat;

/**
 * Connects sessions to the framers, the base64 decoder and the line codec of the {@code frame} package, for one
 * route's {@code framing}. With {@code framing: lines} on the {@code base64} subprotocol, each client message is
 * base64-decoded and then becomes one line, and each backend line goes out as one base64 message. Immutable.
 */
final class FrameFraming implements Framing {
    /** {@code framing: stream}, shared by every such route. */
    static final FrameFraming STREAM = new FrameFraming(MessageFraming.STREAM);

    private static final ClientLineEncoder LINE_ENCODER = new ClientLineEncoder();

    private final MessageFraming framing;

    private FrameFraming(MessageFraming framing) {
        this.framing = framing;
    }

    static FrameFraming of(MessageFraming framing) {
        return framing.lines() ? new FrameFraming(framing) : STREAM;
    }

    @Override
    public BackendMessages backendMessages(WireFormat format) {
        if (framing.lines()) {
            int max = framing.maxLineLength();
            return switch (format) {
                case TEXT -> LineFramer.text(max);
                case BINARY -> LineFramer.binary(max);
                case BASE64 -> LineFramer.base64(max);
            };
        }
        return new StreamMessages(switch (format) {
            case TEXT -> BackendFramers.text();
            case BINARY -> BackendFramers.binary();
            case BASE64 -> BackendFramers.base64();
        });
    }

    @Override
    public ClientPayloadDecoder clientDecoder(WireFormat format) {
        Base64ChunkDecoder base64 = format == WireFormat.BASE64 ? new Base64ChunkDecoder() : null;
        if (!framing.lines() && base64 == null) {
            return ClientPayloadDecoder.IDENTITY;
        }
        boolean lines = framing.lines();
        return new ClientPayloadDecoder() {
            @Override
            public ByteBuf decode(ByteBuf chunk, boolean endOfMessage) {
                ByteBuf bytes = base64 == null ? chunk : base64.decode(chunk, endOfMessage);
                return lines ? LINE_ENCODER.encode(bytes, endOfMessage) : bytes;
            }

            @Override
            public void release() {
                // Base64ChunkDecoder carries only a few bits of state, the line encoder none: no buffers.
            }
        };
    }
}
