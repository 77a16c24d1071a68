package io.sluice.tunnel.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * A piece of a client data message's payload, unmasked, emitted as soon as it arrived: a frame of any size
 * becomes as many chunks as reads deliver. {@code text} tells the message's opcode (TEXT or BINARY, continuations
 * inherit it); {@code endOfMessage} is set on the last chunk of a FIN frame; {@code compressed} says the message's
 * payload is DEFLATE data (RFC 7692, RSV1 on its first frame) still to be inflated. The receiver owns the buffer.
 */
public final class ClientDataChunk extends DefaultByteBufHolder {
    private final boolean text;
    private final boolean endOfMessage;
    private final boolean compressed;

    public ClientDataChunk(ByteBuf payload, boolean text, boolean endOfMessage) {
        this(payload, text, endOfMessage, false);
    }

    public ClientDataChunk(ByteBuf payload, boolean text, boolean endOfMessage, boolean compressed) {
        super(payload);
        this.text = text;
        this.endOfMessage = endOfMessage;
        this.compressed = compressed;
    }

    public boolean compressed() {
        return compressed;
    }

    public boolean text() {
        return text;
    }

    public boolean endOfMessage() {
        return endOfMessage;
    }

    @Override
    public ClientDataChunk replace(ByteBuf content) {
        return new ClientDataChunk(content, text, endOfMessage, compressed);
    }

    @Override
    public String toString() {
        return "ClientDataChunk(" + (text ? "text" : "binary") + ", " + content().readableBytes() + " B"
                + (endOfMessage ? ", end" : "") + (compressed ? ", compressed" : "") + ")";
    }
}
