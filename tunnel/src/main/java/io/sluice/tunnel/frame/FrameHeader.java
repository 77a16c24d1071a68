package io.sluice.tunnel.frame;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;

/**
 * Accumulates one masked client frame header (6 to 14 bytes) across reads and rejects, as soon as the byte that shows
 * it arrives, everything RFC 6455 §5.2 forbids in a header alone. Reused for every frame; confined to the decoder's
 * event loop.
 */
final class FrameHeader {
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;
    static final int MAX_CONTROL_PAYLOAD = 125;

    private final boolean rsv1Allowed;
    private final byte[] bytes = new byte[14];
    private int length;
    private int needed = 2;

    private boolean fin;
    private boolean rsv1;
    private int opcode;
    private long payloadLength;
    private int maskKey;

    /** @param rsv1Allowed whether permessage-deflate was negotiated (RSV1 marks a compressed message, RFC 7692 §6) */
    FrameHeader(boolean rsv1Allowed) {
        this.rsv1Allowed = rsv1Allowed;
    }

    /**
     * Consumes header bytes from {@code in}, never more than the header has.
     *
     * @return true once the header is complete; its fields are then valid until the next {@link #reset()}
     * @throws CorruptedWebSocketFrameException (1002) on a header violation
     */
    boolean read(ByteBuf in) {
        while (length < needed && in.isReadable()) {
            bytes[length++] = in.readByte();
            if (length == 1) {
                checkFirstByte();
            } else if (length == 2) {
                checkSecondByte();
            } else if (length == 3 && needed == 14 && bytes[2] < 0) {
                throw protocolError("64-bit payload length with its most significant bit set");
            }
        }
        if (length < needed) {
            return false;
        }
        int lengthEnd = needed - 4;
        if (lengthEnd == 2) {
            payloadLength = bytes[1] & 0x7F;
        } else {
            payloadLength = 0;
            for (int i = 2; i < lengthEnd; i++) {
                payloadLength = payloadLength << 8 | bytes[i] & 0xFF;
            }
        }
        maskKey = (bytes[lengthEnd] & 0xFF) << 24 | (bytes[lengthEnd + 1] & 0xFF) << 16
                | (bytes[lengthEnd + 2] & 0xFF) << 8 | bytes[lengthEnd + 3] & 0xFF;
        return true;
    }

    private void checkFirstByte() {
        int b = bytes[0];
        fin = (b & 0x80) != 0;
        rsv1 = (b & 0x40) != 0;
        if ((b & 0x30) != 0 || rsv1 && !rsv1Allowed) {
            throw protocolError("reserved bits set (no extension was negotiated)");
        }
        opcode = b & 0x0F;
        if (opcode > BINARY && opcode < CLOSE || opcode > PONG) {
            throw protocolError("unknown opcode %d".formatted(opcode));
        }
        if (isControl() && !fin) {
            throw protocolError("fragmented control frame");
        }
        // RFC 7692 §6.1: RSV1 marks the first frame of a compressed message, never a continuation or control frame.
        if (rsv1 && (isControl() || opcode == CONTINUATION)) {
            throw protocolError("RSV1 on a %s frame".formatted(isControl() ? "control" : "continuation"));
        }
    }

    private void checkSecondByte() {
        int b = bytes[1];
        if ((b & 0x80) == 0) {
            throw protocolError("unmasked client frame");
        }
        int length7 = b & 0x7F;
        if (isControl() && length7 > MAX_CONTROL_PAYLOAD) {
            throw protocolError("control frame payload over 125 bytes");
        }
        needed = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + 4;
    }

    /** Forgets the current header so the next byte read starts a new one. */
    void reset() {
        length = 0;
        needed = 2;
    }

    /** Header bytes held while waiting for the rest (at most 13). */
    int buffered() {
        return length;
    }

    boolean fin() {
        return fin;
    }

    int opcode() {
        return opcode;
    }

    /** Whether RSV1 was set: the message this frame starts is compressed. */
    boolean rsv1() {
        return rsv1;
    }

    boolean isControl() {
        return opcode >= CLOSE;
    }

    long payloadLength() {
        return payloadLength;
    }

    int maskKey() {
        return maskKey;
    }

    static CorruptedWebSocketFrameException protocolError(String message) {
        return new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR, message);
    }
}
