package io.sluice.tunnel.server;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedFile;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Serves GET and HEAD from {@code server.document-root}: no traversal (the normalised path and, after resolving
 * symlinks, the real path must stay inside the root), no dotfiles (404 for any name starting with {@code .}),
 * {@code index.html} for directories, a content type by extension. The body is a {@link DefaultFileRegion} (sendfile;
 * the kernel copies and the event loop never reads the file). The path checks do a few stat calls on the loop, which is
 * what every event-driven file server does; they do not read file contents. Over TLS the bytes must pass through the
 * SslHandler, so sendfile cannot be used: the file is read in 8 KiB chunks by a {@link ChunkedWriteHandler} (added
 * to the connection on its first file), which reads the next chunk only while the connection is writable, as
 * Netty's own static file server does. Thread-safe (immutable).
 */
final class StaticFiles {
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("map", "application/json"));

    private final Path root;

    /** {@code realRoot} must be the document root's real path (symlinks resolved). */
    StaticFiles(Path realRoot) {
        this.root = realRoot;
    }

    /** Answers {@code request}; returns the future of the last write (the caller decides about keep-alive). */
    ChannelFuture serve(ChannelHandlerContext ctx, FullHttpRequest request, RequestPath path) {
        boolean head = request.method().equals(HttpMethod.HEAD);
        if (!head && !request.method().equals(HttpMethod.GET)) {
            var response = HttpResponses.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            return ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
        Path file = path == null ? null : resolve(path.text());
        if (file == null) {
            return ctx.writeAndFlush(HttpResponses.error(HttpResponseStatus.NOT_FOUND, "not found"))
                    .addListener(ChannelFutureListener.CLOSE);
        }
        long length;
        try {
            length = Files.size(file);
        } catch (IOException e) {
            return ctx.writeAndFlush(HttpResponses.error(HttpResponseStatus.NOT_FOUND, "not found"))
                    .addListener(ChannelFutureListener.CLOSE);
        }
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType(file))
                .set(HttpHeaderNames.CONTENT_LENGTH, length)
                .set("X-Content-Type-Options", "nosniff");
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ChannelFuture last;
        if (!head && length > 0 && ctx.pipeline().get(SslHandler.class) != null) {
            last = writeChunked(ctx, response, file, length);
        } else {
            ctx.write(response);
            if (!head && length > 0) {
                ctx.write(new DefaultFileRegion(file.toFile(), 0, length));
            }
            last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        if (!keepAlive) {
            last.addListener(ChannelFutureListener.CLOSE);
        }
        return last;
    }

    private static ChannelFuture writeChunked(ChannelHandlerContext ctx, HttpResponse response, Path file,
                                              long length) {
        ChunkedFile chunks;
        try {
            chunks = new ChunkedFile(new RandomAccessFile(file.toFile(), "r"), 0, length, 8192);
        } catch (IOException e) {
            return ctx.writeAndFlush(HttpResponses.error(HttpResponseStatus.NOT_FOUND, "not found"))
                    .addListener(ChannelFutureListener.CLOSE);
        }
        if (ctx.pipeline().get(ChunkedWriteHandler.class) == null) {
            ctx.pipeline().addBefore(ctx.name(), "chunked-files", new ChunkedWriteHandler());
        }
        ctx.write(response);
        return ctx.writeAndFlush(new HttpChunkedInput(chunks));
    }

    /**
     * The regular file for a decoded path, or null (missing, outside the root, not a regular file, or hidden: a
     * name starting with {@code .} anywhere in the requested or the real path, such as {@code .git/} or
     * {@code .env}, is never served).
     */
    Path resolve(String decodedPath) {
        String relative = decodedPath.startsWith("/") ? decodedPath.substring(1) : decodedPath;
        Path candidate;
        try {
            candidate = root.resolve(relative).normalize();
        } catch (RuntimeException e) { // InvalidPathException
            return null;
        }
        if (!candidate.startsWith(root) || isHidden(root.relativize(candidate))) {
            return null;
        }
        try {
            Path real = candidate.toRealPath();
            if (Files.isDirectory(real)) {
                real = real.resolve("index.html").toRealPath();
            }
            if (!real.startsWith(root) || isHidden(root.relativize(real))
                    || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) || !Files.isReadable(real)) {
                return null;
            }
            return real;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean isHidden(Path relative) {
        for (Path name : relative) {
            if (name.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    static String contentType(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }
}
