package io.sluice.tunnel.server;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.sluice.tunnel.config.RouteSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The {@code dev-console} page of a route (websocketd's {@code --devconsole}): one self-contained HTML file that opens
 * a WebSocket to its own URL and lets a person type messages and read the replies. It names the route and its framing
 * (with {@code framing: lines} it sends messages as typed; with {@code stream} it ends each with a newline by
 * default). Scripts and styles are inline; the Content-Security-Policy allows nothing else, and connections only to
 * this server. Thread-safe (immutable).
 */
final class DevConsole {
    private static final String TEMPLATE = load();
    private static final String POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private DevConsole() {
    }

    /** The page for {@code route}, with the body when {@code withBody} (GET), headers only otherwise (HEAD). */
    static FullHttpResponse page(RouteSpec route, boolean withBody) {
        byte[] body = TEMPLATE.replace("{{ROUTE}}", html(route.key()))
                .replace("{{FRAMING}}", route.framing().configName())
                .getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                withBody ? Unpooled.wrappedBuffer(body) : Unpooled.EMPTY_BUFFER);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("Content-Security-Policy", POLICY)
                .set("X-Content-Type-Options", "nosniff");
        return response;
    }

    private static String html(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    private static String load() {
        try (InputStream in = DevConsole.class.getResourceAsStream("dev-console.html")) {
            if (in == null) {
                throw new IllegalStateException("dev-console.html is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
