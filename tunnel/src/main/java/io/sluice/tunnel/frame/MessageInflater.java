package io.sluice.tunnel.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates one client's compressed messages (RFC 7692 §7.2.2: the payload, then {@code 00 00 FF FF}, through one raw
 * DEFLATE stream) a bounded piece at a time, and refuses a message whose inflated size passes
 * {@code maxMessageSize} or, once past {@code ratioFloor} bytes, {@code maxInflateRatio} times the compressed bytes
 * it took (1009). Input is handed over one compressed piece at a time and must stay readable until
 * {@link #inflate} returns null. Confined to the session's event loop; {@link #end()} frees zlib's memory.
 *
 * <p>A message whose payload is empty is an empty message (RFC 7692 §7.2.3.6 sends one byte {@code 00}, some
 * clients send none): no tail is inflated for it, so the stream is not left inside a half-read block. A sender that
 * ends a message with a BFINAL block starts a new stream with the next one; its window is then not kept.
 */
final class MessageInflater {
    /** Inflated bytes pass through one scratch array per event-loop thread into a buffer of their exact size. */
    static final int PIECE = 16 * 1024;
    private static final byte[] TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};
    private static final byte[] NONE = new byte[0];
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[PIECE];
        }
    };

    private final long maxMessageSize;
    private final long maxInflateRatio;
    private final long ratioFloor;
    private final boolean resetAfterMessage;
    private Inflater inflater;
    private boolean inMessage;
    private long messageReadBase;
    private long messageIn;
    private long messageOut;
    private boolean lastInput;
    private boolean tailGiven;

    /**
     * @param maxMessageSize    largest inflated message; 0 = unlimited
     * @param maxInflateRatio   largest inflated/compressed ratio past {@code ratioFloor}; 0 = unchecked
     * @param resetAfterMessage whether the client resets its context per message ({@code client_no_context_takeover})
     */
    MessageInflater(long maxMessageSize, int maxInflateRatio, long ratioFloor, boolean resetAfterMessage) {
        this.maxMessageSize = maxMessageSize;
        this.maxInflateRatio = maxInflateRatio;
        this.ratioFloor = ratioFloor;
        this.resetAfterMessage = resetAfterMessage;
    }

    /** Whether a message has begun and not ended. */
    boolean inMessage() {
        return inMessage;
    }

    /** The next compressed piece of the current message (a new message when none is open); {@code last} ends it. */
    void input(ByteBuf piece, boolean last) {
        if (inflater == null) {
            inflater = new Inflater(true);
        }
        if (!inMessage) {
            inMessage = true;
            messageReadBase = inflater.getBytesRead();
            messageIn = 0;
            messageOut = 0;
        }
        if (inflater.finished() && piece.isReadable()) {
            throw invalid("data after the final DEFLATE block of a message");
        }
        messageIn += piece.readableBytes();
        inflater.setInput(piece.nioBuffer());
        lastInput = last;
        tailGiven = false;
    }

    /**
     * At most {@code max} (> 0) inflated bytes of the current input, or null once the input is used up; after the
     * last input that null also means the message ended.
     *
     * @throws CorruptedWebSocketFrameException 1009 over a limit; {@link InvalidCompressedDataException} (1007)
     */
    ByteBuf inflate(ByteBufAllocator alloc, int max) {
        byte[] scratch = SCRATCH.get();
        int want = Math.min(max, scratch.length);
        while (true) {
            int n;
            try {
                n = inflater.finished() ? 0 : inflater.inflate(scratch, 0, want);
            } catch (DataFormatException e) {
                throw invalid("invalid DEFLATE data (" + e.getMessage() + ")");
            }
            if (n > 0) {
                count(n);
                return alloc.buffer(n).writeBytes(scratch, 0, n);
            }
            if (inflater.finished()) {
                if (inflater.getRemaining() > 0 && !tailGiven) {
                    throw invalid("data after the final DEFLATE block of a message");
                }
                return inputUsedUp();
            }
            if (inflater.needsDictionary()) {
                throw invalid("a preset dictionary is not part of permessage-deflate");
            }
            if (!inflater.needsInput()) {
                throw new IllegalStateException("inflater made no progress with input left");
            }
            if (lastInput && !tailGiven && messageIn > 0) {
                inflater.setInput(TAIL);
                tailGiven = true;
                continue;
            }
            return inputUsedUp();
        }
    }

    private ByteBuf inputUsedUp() {
        inflater.setInput(NONE);
        if (lastInput) {
            inMessage = false;
            if (inflater.finished() || resetAfterMessage) {
                inflater.reset();
            }
        }
        return null;
    }

    private void count(int n) {
        messageOut += n;
        if (maxMessageSize > 0 && messageOut > maxMessageSize) {
            throw tooBig("message over %d bytes once inflated".formatted(maxMessageSize));
        }
        if (maxInflateRatio > 0 && messageOut > ratioFloor) {
            long in = Math.max(1, inflater.getBytesRead() - messageReadBase);
            if (messageOut > maxInflateRatio * in) {
                throw tooBig("message inflates more than %d times its compressed size".formatted(maxInflateRatio));
            }
        }
    }

    /** Frees zlib's memory; idempotent. */
    void end() {
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
        inMessage = false;
    }

    private static CorruptedWebSocketFrameException tooBig(String message) {
        return new CorruptedWebSocketFrameException(WebSocketCloseStatus.MESSAGE_TOO_BIG, message);
    }

    private static InvalidCompressedDataException invalid(String message) {
        return new InvalidCompressedDataException(message);
    }
}
