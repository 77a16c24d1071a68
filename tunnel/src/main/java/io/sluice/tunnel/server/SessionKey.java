package io.sluice.tunnel.server;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.sluice.tunnel.config.KeyRule;
import io.sluice.tunnel.config.KeySource;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the key of an upgrade request for a route with a per-key host ({@link KeyRule}) and checks it, before any
 * backend is touched: a header's whole value (the header twice is refused), a cookie from the {@code Cookie} header
 * (the cookie twice with different values is refused), a decoded query parameter (twice is refused), the client's
 * address, or the decoded, normalised path after the route prefix; then {@code key-default} when there is none, and
 * the pattern as a whole match. A refusal says why without echoing the key. Stateless.
 */
final class SessionKey {

    /** The key, or why the request is refused with 400. */
    record Found(String key, String refusal) {
        static Found refused(String why) {
            return new Found(null, why);
        }
    }

    private SessionKey() {
    }

    static Found of(KeyRule rule, String routeKey, FullHttpRequest request, RequestPath path, SocketAddress remote) {
        KeySource source = rule.source();
        String key;
        try {
            key = switch (source.kind()) {
                case HEADER -> header(request, source.name());
                case COOKIE -> cookie(request, source.name());
                case QUERY -> query(request, source.name());
                case REMOTE_ADDR -> remote instanceof InetSocketAddress inet && inet.getAddress() != null
                        ? inet.getAddress().getHostAddress() : null;
                case PATH -> afterPrefix(path, routeKey);
            };
        } catch (IllegalArgumentException e) {
            return Found.refused("route %s: %s".formatted(routeKey, e.getMessage()));
        }
        if (key == null || key.isEmpty()) {
            if (rule.defaultKey() == null) {
                return Found.refused("route %s: the request has no key (%s)".formatted(routeKey, source.describe()));
            }
            key = rule.defaultKey();
        }
        String refusal = rule.refusal(key);
        return refusal == null ? new Found(key, null)
                : Found.refused("route %s: %s (from %s)".formatted(routeKey, refusal, source.describe()));
    }

    private static String header(FullHttpRequest request, String name) {
        List<String> values = request.headers().getAll(name);
        if (values.size() > 1) {
            throw new IllegalArgumentException("the key header %s is given more than once".formatted(name));
        }
        return values.isEmpty() ? null : values.get(0);
    }

    private static String cookie(FullHttpRequest request, String name) {
        Set<String> values = new LinkedHashSet<>();
        for (String header : request.headers().getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(header)) {
                if (cookie.name().equals(name)) {
                    values.add(cookie.value());
                }
            }
        }
        if (values.size() > 1) {
            throw new IllegalArgumentException("the key cookie %s is given more than once".formatted(name));
        }
        return values.isEmpty() ? null : values.iterator().next();
    }

    private static String query(FullHttpRequest request, String name) {
        List<String> values;
        try {
            values = new QueryStringDecoder(request.uri()).parameters().get(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the query string is malformed");
        }
        if (values != null && values.size() > 1) {
            throw new IllegalArgumentException("the key parameter %s is given more than once".formatted(name));
        }
        return values == null ? null : values.get(0);
    }

    private static String afterPrefix(RequestPath path, String routeKey) {
        // Routes match the path as bytes (one char per byte), so the prefix is as long as the key's UTF-8 bytes.
        String rest = path.bytes().substring(routeKey.getBytes(StandardCharsets.UTF_8).length);
        return new String(rest.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}
