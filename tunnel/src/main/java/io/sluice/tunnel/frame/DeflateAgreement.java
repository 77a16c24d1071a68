package io.sluice.tunnel.frame;

/**
 * The permessage-deflate parameters a handshake agreed on (RFC 7692 §7.1): whether the server resets its compressor
 * after each message ({@code server_no_context_takeover}), whether the client said it resets its own
 * ({@code client_no_context_takeover}, so the inflater may reset too), and whether the offer limited the server's
 * window to 15 bits, the only limit accepted, which the response must then repeat. Immutable.
 */
public record DeflateAgreement(boolean serverNoContextTakeover, boolean clientNoContextTakeover,
                               boolean serverMaxWindowBits15) {

    public static final String EXTENSION = "permessage-deflate";

    /** The {@code Sec-WebSocket-Extensions} value of the 101. */
    public String responseHeader() {
        StringBuilder header = new StringBuilder(EXTENSION);
        if (serverNoContextTakeover) {
            header.append("; server_no_context_takeover");
        }
        if (clientNoContextTakeover) {
            header.append("; client_no_context_takeover");
        }
        if (serverMaxWindowBits15) {
            header.append("; server_max_window_bits=15");
        }
        return header.toString();
    }
}
