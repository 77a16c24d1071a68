package io.sluice.tunnel.config;

/**
 * How a route cuts the byte streams into messages ({@code framing}): {@code stream} (raw bytes both ways, each
 * backend read one message) or {@code lines} (each client message one line to the backend, each backend line one
 * message, a line held for its newline at most {@code max-line-length} bytes). Immutable; validates itself.
 */
public record MessageFraming(boolean lines, int maxLineLength) {

    /** {@code max-line-length}'s default: 64 KiB. */
    public static final int DEFAULT_MAX_LINE_LENGTH = 64 * 1024;
    /** The largest {@code max-line-length}: a held line is one buffer, and this keeps its size an {@code int}. */
    public static final int LARGEST_MAX_LINE_LENGTH = 1 << 30;
    public static final String ALLOWED = "stream, lines";

    /** Raw bytes both ways (lighttpd's way, the default). */
    public static final MessageFraming STREAM = new MessageFraming(false, DEFAULT_MAX_LINE_LENGTH);

    public MessageFraming {
        Violations v = new Violations();
        if (maxLineLength < 1 || maxLineLength > LARGEST_MAX_LINE_LENGTH) {
            v.add("max-line-length", "must be 1 byte to 1GiB, got " + maxLineLength, null);
        }
        v.throwIfAny();
    }

    /** {@code framing: lines} with lines of at most {@code maxLineLength} bytes. */
    public static MessageFraming lines(int maxLineLength) {
        return new MessageFraming(true, maxLineLength);
    }

    /** The name in the config file. */
    public String configName() {
        return lines ? "lines" : "stream";
    }
}
