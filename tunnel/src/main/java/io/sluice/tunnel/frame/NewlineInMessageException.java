package io.sluice.tunnel.frame;

/**
 * A client message on a {@code framing: lines} route contains {@code \n}, so it would reach the program as two lines;
 * the session closes with 1007.
 */
public final class NewlineInMessageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NewlineInMessageException() {
        super("message contains a newline; this route uses framing: lines", null, false, false);
    }
}
