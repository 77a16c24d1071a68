package io.sluice.tunnel.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The path of a request target, without query or fragment, percent-decoded to bytes ({@code +} stays a plus: it
 * means space only in query strings), then normalised as lighttpd does before it matches routes: {@code .} and
 * {@code ..} segments resolved (RFC 3986 5.2.4; never above {@code /}) and repeated {@code /} collapsed. Decoding
 * comes first, so {@code %2e%2e} and {@code %2f} count as the dots and slashes they stand for: routes and static
 * files see the path the request really names ({@code /echo/../bin/} is {@code /bin/}). Immutable.
 *
 * @param bytes the normalised path as an ISO-8859-1 string, one char per byte (for byte-exact route matching)
 */
record RequestPath(String bytes) {

    /** Decodes and normalises the path of {@code uri}; returns null for a malformed escape or a NUL byte. */
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
        return new RequestPath(normalise(out.toString(StandardCharsets.ISO_8859_1)));
    }

    /** Resolves dot segments and collapses repeated slashes; a path not starting with {@code /} is kept as is. */
    static String normalise(String path) {
        if (!path.startsWith("/")) {
            return path;
        }
        String[] segments = path.substring(1).split("/", -1);
        Deque<String> kept = new ArrayDeque<>(segments.length);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            boolean last = i == segments.length - 1;
            if (segment.equals(".") || segment.equals("..")) {
                if (segment.equals("..") && !kept.isEmpty()) {
                    kept.removeLast();
                }
                if (last) {
                    kept.addLast(""); // "/a/b/.." names the folder "/a/"
                }
            } else if (!segment.isEmpty() || last) {
                kept.addLast(segment);
            }
        }
        return "/" + String.join("/", kept);
    }

    /** The decoded path as text (UTF-8), for file names and logs. */
    String text() {
        return new String(bytes.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}
