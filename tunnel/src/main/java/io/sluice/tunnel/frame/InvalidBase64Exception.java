package io.sluice.tunnel.frame;

/**
 * A client message on the {@code base64} subprotocol is not one base64 text. The session closes with 1007 (RFC 6455
 * §7.4.1: data inconsistent with the type of the message) and the reason "invalid base64", not "invalid UTF-8".
 */
public final class InvalidBase64Exception extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidBase64Exception(String message) {
        super(message, null, false, false);
    }
}
