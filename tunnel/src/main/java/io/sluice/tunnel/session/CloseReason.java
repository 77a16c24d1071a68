package io.sluice.tunnel.session;

import java.nio.charset.StandardCharsets;

/**
 * Every way a session ends, mapped once to the CLOSE code the client gets and to what happens to the backend.
 * Reasons are short and never carry internals. Immutable.
 */
public enum CloseReason {
    /** The client sent CLOSE; the reply echoes its code (1000 when it sent none). Backend: flush, then EOF. */
    CLIENT_CLOSE(1000, "", Backend.EOF_AFTER_PENDING),
    /** The client's TCP connection ended without a CLOSE frame; nobody is left to tell. */
    CLIENT_GONE(-1, "", Backend.EOF_AFTER_PENDING),
    /** The backend closed its end: its pending bytes, then CLOSE 1000. */
    BACKEND_EOF(1000, "", Backend.CLOSE),
    /** The backend failed (reset, read or write error). */
    BACKEND_ERROR(1011, "backend error", Backend.CLOSE),
    /**
     * The worker process behind the backend ended while carrying this session: it exited non-zero, was killed by a
     * signal, or its status could not be learnt while it was dying (the kernel shows all of these as EOF). The close
     * reason sent says how ("exit 3", "killed by SIGSEGV"); this text is the fallback.
     */
    WORKER_FAILED(1011, "backend process failed", Backend.CLOSE),
    /** A text route's backend sent bytes that are not UTF-8. */
    BACKEND_NOT_UTF8(1011, "backend sent invalid UTF-8", Backend.CLOSE),
    /** A {@code framing: lines} backend wrote a line longer than {@code max-line-length}. */
    LINE_TOO_LONG(1009, "line too long", Backend.CLOSE),
    /** The server is stopping or reloading. */
    SHUTDOWN(1001, "server shutting down", Backend.EOF_AFTER_PENDING),
    /** No client frame for {@code max-read-idle}. */
    READ_IDLE(1001, "idle timeout", Backend.EOF_AFTER_PENDING),
    /** No PONG for {@code pong-timeout} after a PING. */
    PONG_TIMEOUT(1001, "pong timeout", Backend.EOF_AFTER_PENDING),
    /** The client broke RFC 6455. */
    PROTOCOL_ERROR(1002, "protocol error", Backend.EOF_AFTER_PENDING),
    /** A client text message was not valid UTF-8. */
    CLIENT_NOT_UTF8(1007, "invalid UTF-8", Backend.EOF_AFTER_PENDING),
    /** A client message on the {@code base64} subprotocol was not valid base64. */
    CLIENT_NOT_BASE64(1007, "invalid base64", Backend.EOF_AFTER_PENDING),
    /** A client message on a {@code framing: lines} route contained a newline (it would be two lines). */
    CLIENT_NEWLINE(1007, "newline in a message", Backend.EOF_AFTER_PENDING),
    /** A compressed client message was not valid DEFLATE data (permessage-deflate, RFC 7692). */
    CLIENT_BAD_COMPRESSION(1007, "invalid compressed data", Backend.EOF_AFTER_PENDING),
    /** A client message exceeded {@code max-message-size} (inflated, with compression) or {@code max-inflate-ratio}. */
    MESSAGE_TOO_BIG(1009, "message too big", Backend.EOF_AFTER_PENDING),
    /** A bug or an unexpected failure inside Sluice. */
    INTERNAL_ERROR(1011, "internal error", Backend.CLOSE);

    /** What the backend channel gets when the session closes for this reason. */
    enum Backend {
        /** Bytes already received from the client are written, then the write side is shut down (EOF). */
        EOF_AFTER_PENDING,
        /** The backend channel is closed at once (it already ended, or it failed). */
        CLOSE
    }

    private final int code;
    private final String text;
    private final Backend backend;

    CloseReason(int code, String text, Backend backend) {
        this.code = code;
        this.text = text;
        this.backend = backend;
    }

    /** The close status code sent to the client; -1 when no CLOSE frame can be sent. */
    public int code() {
        return code;
    }

    /** The short close reason text (may be empty). */
    public String text() {
        return text;
    }

    Backend backend() {
        return backend;
    }

    /** The most a CLOSE frame's reason may hold: 125 payload bytes less the 2-byte code (RFC 6455 5.5). */
    static final int MAX_TEXT_BYTES = 123;

    /** {@code text} cut to {@link #MAX_TEXT_BYTES} bytes of UTF-8, at a character's boundary. */
    static String fitText(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_TEXT_BYTES) {
            return text;
        }
        int end = MAX_TEXT_BYTES;
        while ((utf8[end] & 0xC0) == 0x80) {
            end--; // utf8[end] continues a character: cut before that character
        }
        return new String(utf8, 0, end, StandardCharsets.UTF_8);
    }

    /** The reason for a client protocol violation, from the status its decoder raised. */
    public static CloseReason forClientViolation(int statusCode) {
        return switch (statusCode) {
            case 1007 -> CLIENT_NOT_UTF8;
            case 1009 -> MESSAGE_TOO_BIG;
            default -> PROTOCOL_ERROR;
        };
    }
}
