package io.sluice.tunnel.frame;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Decodes client (masked) RFC 6455 frames without ever buffering a whole data frame: data payload is unmasked and
 * emitted as {@link ClientDataChunk}s as it arrives; control frames (at most 125 bytes) are emitted whole as Netty's
 * Ping/Pong/CloseWebSocketFrame. Violations raise {@code CorruptedWebSocketFrameException} carrying the close status
 * (1002 protocol, 1007 invalid UTF-8 in a text message, 1009 over {@code maxMessageSize}).
 * Confined to the client channel's event loop.
 */
public final class ClientFrameDecoder extends ByteToMessageDecoder {
    private final long maxMessageSize;
    private final boolean validateText;

    /**
     * @param maxMessageSize largest message in bytes over all its fragments; 0 = unlimited
     * @param validateText   whether TEXT message payloads must be valid UTF-8 (1007 otherwise)
     */
    public ClientFrameDecoder(long maxMessageSize, boolean validateText) {
        this.maxMessageSize = maxMessageSize;
        this.validateText = validateText;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        throw new UnsupportedOperationException("implemented by the frame work");
    }
}
