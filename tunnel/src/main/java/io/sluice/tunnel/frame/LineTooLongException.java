package io.sluice.tunnel.frame;

/** A {@code framing: lines} backend wrote a line longer than {@code max-line-length}; the session closes with 1009. */
public final class LineTooLongException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int maxLineLength;

    public LineTooLongException(int maxLineLength) {
        super("backend line longer than max-line-length (%d bytes)".formatted(maxLineLength), null, false, false);
        this.maxLineLength = maxLineLength;
    }

    public int maxLineLength() {
        return maxLineLength;
    }
}
