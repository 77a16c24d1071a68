package io.sluice.tunnel.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The path of a request target, without query or fragment, percent-decoded to bytes ({@code +} stays a plus: it
 * means space only in query strings). Immutable.
 *
 * @param bytes the decoded path as an ISO-8859-1 string, one char per byte (for byte-exact route matching)
 */
record RequestPath(String bytes) {

    /** Decodes the path of {@code uri}; returns null for a malformed escape or a NUL byte. */
    static RequestPath of(String uri) {
        int end = uri.length();
        int query = uri.indexOf('?');
        if (query >= 0) {
            end = query;
        }
        int fragment = uri.indexOf('#');
        if (fragment >= 0 && fragment < end) {
            end = fragment;
        }
        String raw = uri.substring(0, end);
        if (raw.startsWith("http://") || raw.startsWith("https://")) {
            int slash = raw.indexOf('/', raw.indexOf("//") + 2);
            raw = slash < 0 ? "/" : raw.substring(slash);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        byte[] in = raw.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            if (b == '%') {
                if (i + 2 >= in.length) {
                    return null;
                }
                int hi = Character.digit(in[i + 1], 16);
                int lo = Character.digit(in[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                b = (byte) (hi << 4 | lo);
                i += 2;
            }
            if (b == 0) {
                return null;
            }
            out.write(b);
        }
        return new RequestPath(out.toString(StandardCharsets.ISO_8859_1));
    }

    /** The decoded path as text (UTF-8), for file names and logs. */
    String text() {
        return new String(bytes.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}
