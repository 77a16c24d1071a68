package io.sluice.tunnel.frame;

/** A compressed client message is not valid DEFLATE data (RFC 7692 §7.2.2); the session closes with 1007. */
public final class InvalidCompressedDataException extends RuntimeException {
    InvalidCompressedDataException(String message) {
        super(message);
    }
}
