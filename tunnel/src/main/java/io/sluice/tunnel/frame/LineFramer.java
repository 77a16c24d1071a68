package io.sluice.tunnel.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.function.Consumer;

/**
 * {@code framing: lines}, backend to client: each complete line of the backend's output becomes one message without
 * its line end ({@code \n}, or {@code \r\n} as websocketd's scanner strips it too); an empty line is an empty message.
 * A line inside one read goes out as a retained slice of that read, no copy; a read's lines are taken one at a time
 * ({@link #offer}, {@link #next}), so backpressure holds however short the lines. The start of a line still waiting for
 * its newline is copied aside (a slice would pin the whole read buffer), never more than {@code max-line-length}
 * bytes (plus a {@code \r} that may precede the newline): a longer line raises {@link LineTooLongException}.
 * At the end of the output a last line without newline is still a message. Text routes: the output must be UTF-8
 * (checked as a stream when offered; a newline never falls inside a character, so every line is whole UTF-8); the
 * complete lines before the first offending byte are still messages, then {@link #next()} raises
 * {@link InvalidBackendTextException}. A read offered before the previous one's lines were all taken waits in a queue
 * (Netty's epoll transport reads what the kernel still holds once the backend closes, whatever AUTO_READ says). One
 * instance per session, confined to its event loop.
 */
public final class LineFramer implements BackendMessages {
    private static final String HINT = "a text route needs UTF-8 output; use frame-type: binary for anything else";
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private enum Kind { TEXT, BINARY, BASE64 }

    private final Kind kind;
    private final int maxLineLength;
    private final Utf8Validator utf8 = new Utf8Validator();
    /** The offered read whose lines are not all taken yet, from its reader index on. */
    private ByteBuf pending;
    /** Reads offered while {@code pending} still had lines; rarely more than one. */
    private ArrayDeque<ByteBuf> queued;
    private ByteBuf held;
    private long consumed;
    /** Raised by {@link #next()} once the lines before the bytes that are not UTF-8 were taken. */
    private InvalidBackendTextException notUtf8;
    /** Set once the output was refused (not UTF-8, a line too long): nothing more is framed. */
    private boolean refused;

    private LineFramer(Kind kind, int maxLineLength) {
        if (maxLineLength < 1) {
            throw new IllegalArgumentException("max-line-length must be at least 1, got " + maxLineLength);
        }
        this.kind = kind;
        this.maxLineLength = maxLineLength;
    }

    /** TEXT messages, each a line of valid UTF-8. */
    public static LineFramer text(int maxLineLength) {
        return new LineFramer(Kind.TEXT, maxLineLength);
    }

    /** BINARY messages, each a line's bytes. */
    public static LineFramer binary(int maxLineLength) {
        return new LineFramer(Kind.BINARY, maxLineLength);
    }

    /** TEXT messages carrying each line in padded base64 (the {@code base64} subprotocol). */
    public static LineFramer base64(int maxLineLength) {
        return new LineFramer(Kind.BASE64, maxLineLength);
    }

    /**
     * Takes ownership of {@code bytes}, the backend's next read; then {@link #next()} gives its lines one by one, so
     * a caller can stop while the client is not writable (a read of short lines is many messages) and go on later.
     * On a text route, a read with bytes that are not UTF-8 is cut before the first of them; {@link #next()} raises
     * {@link InvalidBackendTextException} after the complete lines before it, and later reads are dropped.
     */
    @Override
    public void offer(ByteBuf bytes) {
        if (refused) {
            bytes.release(); // the session is closing for what came before
            return;
        }
        int from = bytes.readerIndex();
        int to = bytes.writerIndex();
        if (kind == Kind.TEXT) {
            int bad = utf8.feed(bytes, from, to);
            if (bad >= 0) {
                long offset = consumed + bad - from;
                notUtf8 = new InvalidBackendTextException(
                        "backend output is not UTF-8 at byte %d; %s".formatted(offset, HINT), offset, null);
                refused = true;
                bytes.writerIndex(bad);
                to = bad;
            }
        }
        consumed += to - from;
        if (pending == null) {
            pending = bytes;
        } else {
            if (queued == null) {
                queued = new ArrayDeque<>(4);
            }
            queued.add(bytes);
        }
    }

    /**
     * The message of the next complete line of the offered reads, or null when they have none left (the unfinished
     * last line is then held for the next read, and the reads released).
     *
     * @throws LineTooLongException        when a line exceeds {@code max-line-length}
     * @throws InvalidBackendTextException on a text route, after the complete lines before bytes that are not UTF-8
     */
    @Override
    public WebSocketFrame next() {
        while (pending != null) {
            WebSocketFrame line = nextOfPending();
            if (line != null) {
                return line;
            }
            pending = queued == null ? null : queued.poll();
        }
        InvalidBackendTextException failure = notUtf8;
        if (failure != null) {
            notUtf8 = null;
            release();
            throw failure;
        }
        return null;
    }

    /** The next line of {@code pending}, or null when it has none left (its rest held, the read released). */
    private WebSocketFrame nextOfPending() {
        int start = pending.readerIndex();
        int to = pending.writerIndex();
        int newline = pending.indexOf(start, to, (byte) '\n');
        try {
            if (newline < 0) {
                hold(pending, start, to);
                pending.release();
                return null;
            }
            ByteBuf line = line(pending, start, newline);
            pending.readerIndex(newline + 1);
            return message(line);
        } catch (LineTooLongException e) {
            refused = true;
            notUtf8 = null;
            release();
            throw e;
        }
    }

    /** {@link #offer} then every {@link #next()} into {@code out}: for callers that need no pause. */
    public void frame(ByteBuf bytes, Consumer<? super WebSocketFrame> out) {
        offer(bytes);
        WebSocketFrame frame;
        while ((frame = next()) != null) {
            out.accept(frame);
        }
    }

    private void releasePending() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }

    /** The line ending at {@code newline}: held bytes (if any) then {@code bytes[start, newline)}, CR stripped. */
    private ByteBuf line(ByteBuf bytes, int start, int newline) {
        int heldLength = held == null ? 0 : held.readableBytes();
        int end = newline;
        boolean crInBytes = end > start && bytes.getByte(end - 1) == '\r';
        if (crInBytes) {
            end--;
        }
        boolean crHeld = newline == start && heldLength > 0 && held.getByte(held.writerIndex() - 1) == '\r';
        if (crHeld) {
            heldLength--;
        }
        checkLength(heldLength + end - start);
        if (held == null) {
            return bytes.retainedSlice(start, end - start);
        }
        ByteBuf first = held;
        held = null;
        first.writerIndex(first.readerIndex() + heldLength);
        if (end == start) {
            return first;
        }
        CompositeByteBuf joined = bytes.alloc().compositeBuffer(2);
        joined.addComponent(true, first);
        joined.addComponent(true, bytes.retainedSlice(start, end - start));
        return joined;
    }

    /** Copies the unfinished line {@code bytes[start, to)} aside, after what is already held. */
    private void hold(ByteBuf bytes, int start, int to) {
        int length = to - start;
        if (length == 0) {
            return;
        }
        int total = (held == null ? 0 : held.readableBytes()) + length;
        // One byte over the limit may be the \r of a \r\n still to come.
        if (total > maxLineLength + 1 || total == maxLineLength + 1 && bytes.getByte(to - 1) != '\r') {
            checkLength(total);
        }
        if (held == null) {
            held = bytes.alloc().buffer(Math.min(length * 2, maxLineLength + 1), maxLineLength + 1);
        }
        held.writeBytes(bytes, start, length);
    }

    private void checkLength(int length) {
        if (length > maxLineLength) {
            release();
            throw new LineTooLongException(maxLineLength);
        }
    }

    private WebSocketFrame message(ByteBuf line) {
        return switch (kind) {
            case TEXT -> new TextWebSocketFrame(line);
            case BINARY -> new BinaryWebSocketFrame(line);
            case BASE64 -> new TextWebSocketFrame(encoded(line));
        };
    }

    private static ByteBuf encoded(ByteBuf line) {
        try {
            return Unpooled.wrappedBuffer(BASE64.encode(line.nioBuffer()));
        } finally {
            line.release();
        }
    }

    /**
     * The backend ended (after every line of the last read was taken): its last line if it had no newline (null when
     * nothing is held).
     *
     * @throws InvalidBackendTextException on a text route, when the output ended inside a UTF-8 sequence
     */
    @Override
    public WebSocketFrame finish() {
        if (pending != null || queued != null && !queued.isEmpty()) {
            throw new IllegalStateException("finish before the last read's lines were all taken");
        }
        if (refused) {
            return null;
        }
        if (kind == Kind.TEXT && !utf8.isComplete()) {
            release();
            throw new InvalidBackendTextException("backend output ended inside a UTF-8 sequence; " + HINT, consumed,
                    null);
        }
        if (held == null) {
            return null;
        }
        ByteBuf last = held;
        held = null;
        return message(last);
    }

    /** Releases untaken reads and a held partial line; called once when the session ends. Idempotent. */
    @Override
    public void release() {
        releasePending();
        if (queued != null) {
            queued.forEach(ByteBuf::release);
            queued.clear();
        }
        if (held != null) {
            held.release();
            held = null;
        }
    }
}
