package io.sluice.tunnel.lighttpd;

/** The lighttpd configuration cannot be read: a syntax error, a missing include, an unknown variable. Located. */
public final class LighttpdSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    LighttpdSyntaxException(Location where, String problem) {
        super(where + ": " + problem);
    }
}
