package io.sluice.tunnel.frame;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * Decodes the client side of the {@code base64} subprotocol: the payload chunks of each client message carry standard
 * base64 (RFC 4648 §4), split anywhere, and come out as the raw bytes for the backend. A partial 4-character quantum
 * waits for the next chunk. Each message must be whole quanta; padding may only end a message (websockify's clients
 * encode every message by itself). Whitespace, line breaks and any other character are refused, since websockify's
 * clients never send them and a lenient decoder would hide a client that speaks another protocol. Errors raise
 * {@link InvalidBase64Exception} (1007). Confined to the client channel's event loop.
 */
public final class Base64ChunkDecoder {
    private int quantum;
    private int sextets;
    private int pads;
    private boolean padded;
    private long position;

    /** Decodes a chunk, keeping its flags; the chunk is released. */
    public ClientDataChunk decode(ClientDataChunk chunk) {
        try {
            return new ClientDataChunk(decode(chunk.content().retain(), chunk.endOfMessage()), chunk.text(),
                    chunk.endOfMessage());
        } finally {
            chunk.release();
        }
    }

    /**
     * Decodes {@code chunk} (released here), the next piece of one message's base64 text.
     *
     * @return the decoded bytes, possibly empty; the caller owns them
     * @throws InvalidBase64Exception on a character outside the alphabet, misplaced padding, or a message that ends
     *                                inside a quantum
     */
    public ByteBuf decode(ByteBuf chunk, boolean endOfMessage) {
        int length = chunk.readableBytes();
        ByteBuf out = chunk.alloc().buffer((sextets + length) / 4 * 3);
        try {
            if (length > 0) {
                int index = chunk.readerIndex();
                ByteBuffer in = chunk.nioBufferCount() == 1
                        ? chunk.internalNioBuffer(index, length) : chunk.nioBuffer(index, length);
                decode(in, out);
            }
            if (endOfMessage) {
                endMessage();
            }
            return out;
        } catch (InvalidBase64Exception e) {
            out.release();
            throw e;
        } finally {
            chunk.release();
        }
    }

    private void decode(ByteBuffer in, ByteBuf out) {
        for (int i = in.position(), end = in.limit(); i < end; i++, position++) {
            byte c = in.get(i);
            int value = Base64Alphabet.decode(c);
            if (padded) {
                throw invalid("data after base64 padding");
            } else if (value >= 0 && pads == 0) {
                quantum = quantum << 6 | value;
                if (++sextets == 4) {
                    out.writeMedium(quantum);
                    quantum = 0;
                    sextets = 0;
                }
            } else if (c == Base64Alphabet.PAD && sextets >= 2) {
                if (sextets + ++pads == 4) {
                    // "xx==" ends with one byte, "xxx=" with two
                    int group = quantum << 6 * pads;
                    out.writeByte(group >>> 16);
                    if (sextets == 3) {
                        out.writeByte(group >>> 8);
                    }
                    padded = true;
                }
            } else if (value >= 0 || c == Base64Alphabet.PAD) {
                throw invalid(pads > 0 ? "data inside base64 padding" : "misplaced base64 padding");
            } else {
                throw invalid("character 0x%02x is not base64".formatted(c & 0xFF));
            }
        }
    }

    private InvalidBase64Exception invalid(String what) {
        return new InvalidBase64Exception("%s at character %d of the message".formatted(what, position));
    }

    private void endMessage() {
        boolean partial = sextets != 0 && !padded;
        padded = false;
        quantum = 0;
        sextets = 0;
        pads = 0;
        position = 0;
        if (partial) {
            throw new InvalidBase64Exception("base64 message ends inside a 4-character quantum");
        }
    }
}
