package io.sluice.bench;

/** An echoed byte differed from the byte sent; the run is void. Immutable. */
final class EchoMismatchException extends RuntimeException {
    EchoMismatchException(String message) {
        super(message);
    }
}
