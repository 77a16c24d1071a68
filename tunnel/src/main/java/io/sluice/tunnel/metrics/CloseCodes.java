package io.sluice.tunnel.metrics;

import java.util.Set;

/**
 * Close codes as a bounded label: the codes RFC 6455 defines for endpoints to send are kept, anything a client chose
 * (3000–4999 are free for applications) is "other", and a session that could not be sent a CLOSE is "none".
 */
final class CloseCodes {
    private static final Set<Integer> KNOWN = Set.of(1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011);

    private CloseCodes() {
    }

    static String label(int code) {
        if (code < 0) {
            return "none";
        }
        return KNOWN.contains(code) ? Integer.toString(code) : "other";
    }
}
