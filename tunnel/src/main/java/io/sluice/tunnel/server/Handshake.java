package io.sluice.tunnel.server;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.sluice.tunnel.config.FrameType;
import io.sluice.tunnel.config.RouteSpec;
import io.sluice.tunnel.session.WireFormat;
import java.util.Base64;
import java.util.List;

/**
 * The checks a WebSocket upgrade request passes before any backend is touched: a well-formed head (one
 * {@code Host}, at most one {@code Origin}, {@code Sec-WebSocket-Key} and {@code Sec-WebSocket-Version}: 400), then
 * lighttpd's order: route (404), origin (400 missing / 403 not allowed), version (426), key (400). Stateless.
 */
final class Handshake {

    /** What to do with a request. */
    sealed interface Verdict permits NotUpgrade, Rejected, Accepted {
    }

    /** Not a WebSocket upgrade: an ordinary HTTP request. */
    record NotUpgrade(RequestPath path) implements Verdict {
    }

    /** Refused with an HTTP status before any backend is touched. */
    record Rejected(HttpResponseStatus status, String text) implements Verdict {
    }

    /** Passed: tunnel to {@code route} with {@code format}; {@code subprotocol} is echoed when not null. */
    record Accepted(RouteSpec route, RequestPath path, WireFormat format, String subprotocol, String key)
            implements Verdict {
    }

    private Handshake() {
    }

    static Verdict check(FullHttpRequest request, RouteTable routes) {
        HttpHeaders headers = request.headers();
        String malformed = malformedHeaders(request);
        if (malformed != null) {
            return new Rejected(HttpResponseStatus.BAD_REQUEST, malformed);
        }
        RequestPath path = RequestPath.of(request.uri());
        if (!isUpgrade(request)) {
            return new NotUpgrade(path);
        }
        String repeated = firstRepeated(headers, HttpHeaderNames.ORIGIN, HttpHeaderNames.SEC_WEBSOCKET_KEY,
                HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        if (repeated != null) {
            return new Rejected(HttpResponseStatus.BAD_REQUEST, "more than one " + repeated + " header");
        }
        if (path == null) {
            return new Rejected(HttpResponseStatus.BAD_REQUEST, "malformed request path");
        }
        RouteSpec route = routes.match(path.bytes());
        if (route == null) {
            return new Rejected(HttpResponseStatus.NOT_FOUND, "no WebSocket route for this path");
        }
        if (route.origins().checks()) {
            String origin = headers.get(HttpHeaderNames.ORIGIN);
            if (origin == null || origin.isBlank()) {
                return new Rejected(HttpResponseStatus.BAD_REQUEST, "missing Origin header");
            }
            if (!route.origins().allows(origin.trim())) {
                return new Rejected(HttpResponseStatus.FORBIDDEN, "origin not allowed");
            }
        }
        String version = headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        if (version == null || !version.trim().equals("13")) {
            return new Rejected(HttpResponseStatus.UPGRADE_REQUIRED, "unsupported Sec-WebSocket-Version; use 13");
        }
        String key = headers.get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        if (key == null || !isValidKey(key.trim())) {
            return new Rejected(HttpResponseStatus.BAD_REQUEST, "missing or malformed Sec-WebSocket-Key");
        }
        String offered = headers.get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        if (hasToken(offered, "binary")) {
            return new Accepted(route, path, WireFormat.BINARY, "binary", key.trim());
        }
        if (hasToken(offered, "base64")) {
            return new Accepted(route, path, WireFormat.BASE64, "base64", key.trim());
        }
        WireFormat format = route.frameType() == FrameType.BINARY ? WireFormat.BINARY : WireFormat.TEXT;
        return new Accepted(route, path, format, null, key.trim());
    }

    /**
     * RFC 7230 5.4: an HTTP/1.1 request without {@code Host}, and any request with more than one, gets 400; which
     * host a request meant must never be a guess. Returns the problem, or null.
     */
    static String malformedHeaders(FullHttpRequest request) {
        int hosts = request.headers().getAll(HttpHeaderNames.HOST).size();
        if (hosts > 1) {
            return "more than one Host header";
        }
        if (hosts == 0 && request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
            return "missing Host header";
        }
        return null;
    }

    /** RFC 6455 4.1: these handshake headers appear once; the first name that repeats, or null. */
    private static String firstRepeated(HttpHeaders headers, CharSequence... names) {
        for (CharSequence name : names) {
            if (headers.getAll(name).size() > 1) {
                return name.toString();
            }
        }
        return null;
    }

    /** GET, HTTP/1.1, {@code Upgrade} has token websocket and {@code Connection} has token upgrade. */
    static boolean isUpgrade(HttpRequest request) {
        return request.method().equals(HttpMethod.GET)
                && request.protocolVersion().equals(HttpVersion.HTTP_1_1)
                && anyHasToken(request.headers().getAll(HttpHeaderNames.UPGRADE), "websocket")
                && anyHasToken(request.headers().getAll(HttpHeaderNames.CONNECTION), "upgrade");
    }

    /** Whether one of a repeated header's values has {@code token}: the same as joining them with commas. */
    private static boolean anyHasToken(List<String> values, String token) {
        for (String value : values) {
            if (hasToken(value, token)) {
                return true;
            }
        }
        return false;
    }

    /** RFC 6455 4.2.1: the key is base64 of exactly 16 bytes. */
    static boolean isValidKey(String key) {
        if (key.length() != 24) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Whether a comma-separated header value has {@code token} (a lower-case ASCII word; case-insensitive, blanks
     * around each element ignored as {@link String#trim()} does, no quoted strings). Allocation-free: it runs for
     * every upgrade request.
     */
    static boolean hasToken(String value, String token) {
        if (value == null) {
            return false;
        }
        int length = value.length();
        for (int start = 0; start <= length; ) {
            int end = value.indexOf(',', start);
            if (end < 0) {
                end = length;
            }
            int from = start;
            int to = end;
            while (from < to && value.charAt(from) <= ' ') {
                from++;
            }
            while (to > from && value.charAt(to - 1) <= ' ') {
                to--;
            }
            if (to - from == token.length() && value.regionMatches(true, from, token, 0, token.length())) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }
}
