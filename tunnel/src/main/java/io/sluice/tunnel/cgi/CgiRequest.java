package io.sluice.tunnel.cgi;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * What the CGI variables of one upgrade request are made of. Strings marked "wire" hold bytes as received, one
 * ISO-8859-1 char per byte (as Netty decodes HTTP), so they go back out byte-exact. Immutable; the headers object is
 * the request's own and must not change afterwards.
 *
 * @param method        REQUEST_METHOD, e.g. {@code GET}
 * @param requestUri    REQUEST_URI: the request target as received, query included (wire)
 * @param protocol      SERVER_PROTOCOL, e.g. {@code HTTP/1.1}
 * @param serverName    SERVER_NAME: the host part of {@code Host}, or the local address (wire)
 * @param serverPort    SERVER_PORT: the local port the request came in on (RFC 3875 4.1.15)
 * @param remoteAddress REMOTE_ADDR, e.g. {@code 127.0.0.1} or {@code ::1}
 * @param remotePort    REMOTE_PORT
 * @param scriptName    SCRIPT_NAME: the percent-decoded part of the path the route matched (wire)
 * @param pathInfo      PATH_INFO: the percent-decoded rest of the path, "" or starting with '/' (wire)
 * @param queryString   QUERY_STRING: after '?', not decoded, "" when none (wire)
 * @param headers       the request headers, for HTTP_*
 */
public record CgiRequest(String method, String requestUri, String protocol, String serverName, int serverPort,
                         String remoteAddress, int remotePort, String scriptName, String pathInfo,
                         String queryString, HttpHeaders headers) {

    public CgiRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(requestUri, "requestUri");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(scriptName, "scriptName");
        Objects.requireNonNull(pathInfo, "pathInfo");
        Objects.requireNonNull(queryString, "queryString");
        Objects.requireNonNull(headers, "headers");
    }

    /**
     * The facts of {@code request} arriving on a connection from {@code remote} to {@code local}, matched by a route
     * whose key is {@code routeKeyBytes} (UTF-8 bytes as ISO-8859-1 chars, like the path).
     *
     * @param decodedPath the percent-decoded request path, one ISO-8859-1 char per byte (what routes match)
     * @param prefixRoute true for a {@code /}-prefix key: SCRIPT_NAME is the key without a trailing '/' and
     *                    PATH_INFO the rest; false for a suffix key: SCRIPT_NAME is the whole path
     */
    public static CgiRequest of(HttpRequest request, InetSocketAddress local, InetSocketAddress remote,
                                String decodedPath, String routeKeyBytes, boolean prefixRoute) {
        String uri = request.uri();
        int split = prefixRoute ? scriptNameLength(decodedPath, routeKeyBytes) : decodedPath.length();
        return new CgiRequest(request.method().name(), uri, request.protocolVersion().text(),
                serverName(request.headers().get(HttpHeaderNames.HOST), local), local.getPort(),
                NetUtil.toAddressString(remote.getAddress()), remote.getPort(),
                decodedPath.substring(0, split), decodedPath.substring(split), queryOf(uri), request.headers());
    }

    private static int scriptNameLength(String path, String key) {
        if (!path.startsWith(key)) {
            throw new IllegalArgumentException("route key %s is not a prefix of path %s".formatted(key, path));
        }
        // SCRIPT_NAME + PATH_INFO is the path; SCRIPT_NAME never ends with '/', PATH_INFO is "" or starts with '/'.
        return key.endsWith("/") ? key.length() - 1 : key.length();
    }

    /** The raw query: after the first '?', before any '#' (a '?' inside the fragment starts none). */
    static String queryOf(String uri) {
        int fragment = uri.indexOf('#');
        int end = fragment < 0 ? uri.length() : fragment;
        int question = uri.indexOf('?');
        return question < 0 || question > end ? "" : uri.substring(question + 1, end);
    }

    /** The host part of a {@code Host} value (an IPv6 literal keeps its brackets), or the local address. */
    static String serverName(String host, InetSocketAddress local) {
        if (host == null || host.isEmpty()) {
            String address = NetUtil.toAddressString(local.getAddress());
            return local.getAddress() instanceof Inet6Address ? "[" + address + "]" : address;
        }
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close < 0 ? host : host.substring(0, close + 1);
        }
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }
}
