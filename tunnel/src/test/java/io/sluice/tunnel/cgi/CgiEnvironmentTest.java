package io.sluice.tunnel.cgi;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.sluice.tunnel.tls.ClientTls;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CgiEnvironmentTest {
    private static final CgiSession SESSION = new CgiSession("/chat/", "s-42", false, "sluice/1.2.3");
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 8080);
    private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 50123);

    @Test
    void aTypicalUpgradeGivesEveryVariableInOrder() {
        HttpRequest request = decode("GET /chat/room/1?user=ann&x=%20+y HTTP/1.1\r\n"
                + "Host: example.com:8443\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Origin: https://example.com\r\n\r\n");

        List<String> env = env(CgiRequest.of(request, LOCAL, REMOTE, "/chat/room/1", "/chat/", true), SESSION);

        assertThat(env).containsExactly(
                "GATEWAY_INTERFACE=CGI/1.1",
                "SERVER_SOFTWARE=sluice/1.2.3",
                "SERVER_NAME=example.com",
                "SERVER_PORT=8080",
                "SERVER_PROTOCOL=HTTP/1.1",
                "REMOTE_ADDR=127.0.0.1",
                "REMOTE_PORT=50123",
                "REQUEST_METHOD=GET",
                "REQUEST_URI=/chat/room/1?user=ann&x=%20+y",
                "SCRIPT_NAME=/chat",
                "PATH_INFO=/room/1",
                "QUERY_STRING=user=ann&x=%20+y",
                "HTTP_HOST=example.com:8443",
                "HTTP_UPGRADE=websocket",
                "HTTP_CONNECTION=Upgrade",
                "HTTP_SEC_WEBSOCKET_KEY=dGhlIHNhbXBsZSBub25jZQ==",
                "HTTP_SEC_WEBSOCKET_VERSION=13",
                "HTTP_ORIGIN=https://example.com",
                "SLUICE_ROUTE=/chat/",
                "SLUICE_SESSION_ID=s-42");
    }

    @Test
    void aClientOverTlsWithACertificateGetsHttpsAndItsSubject() {
        ClientTls tls = new ClientTls("TLSv1.3", "TLS_AES_128_GCM_SHA256", "CN=alice,O=Example", "alice",
                "CN=Example CA,O=Example");

        Map<String, String> env = text(CgiEnvironment.entries(request(headers()),
                new CgiSession("/r", "s", false, "sluice/dev", tls)));

        assertThat(env).containsEntry("HTTPS", "on")
                .containsEntry("SSL_PROTOCOL", "TLSv1.3")
                .containsEntry("SSL_CIPHER", "TLS_AES_128_GCM_SHA256")
                .containsEntry("SSL_CLIENT_VERIFY", "SUCCESS")
                .containsEntry("SSL_CLIENT_S_DN", "CN=alice,O=Example")
                .containsEntry("SSL_CLIENT_S_DN_CN", "alice")
                .containsEntry("SSL_CLIENT_I_DN", "CN=Example CA,O=Example");
        assertThat(List.copyOf(env.keySet())).endsWith("SLUICE_ROUTE", "SLUICE_SESSION_ID");
    }

    @Test
    void aClientOverTlsWithoutACertificateGetsHttpsButNoSubject() {
        ClientTls tls = new ClientTls("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", null, null, null);

        Map<String, String> env = text(CgiEnvironment.entries(request(headers()),
                new CgiSession("/r", "s", false, "sluice/dev", tls)));

        assertThat(env).containsEntry("HTTPS", "on").containsEntry("SSL_CLIENT_VERIFY", "NONE")
                .doesNotContainKeys("SSL_CLIENT_S_DN", "SSL_CLIENT_S_DN_CN", "SSL_CLIENT_I_DN");
    }

    @Test
    void aPlainClientGetsNoTlsVariables() {
        Map<String, String> env = text(CgiEnvironment.entries(request(headers()), SESSION));

        assertThat(env.keySet()).noneMatch(name -> name.equals("HTTPS") || name.startsWith("SSL_"));
    }

    @Test
    void bytesOnTheWireReachTheProgramUnchanged() {
        byte[] raw = ("GET /chat/caf\u00e9?q=\u00ff HTTP/1.1\r\nHost: h\r\nX-Name: caf\u00e9 \u00a0\tx\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        HttpRequest request = decode(raw);

        Map<String, byte[]> env = byName(CgiEnvironment.entries(
                CgiRequest.of(request, LOCAL, REMOTE, "/chat/caf\u00e9", "/chat/", true), SESSION));

        assertThat(env.get("REQUEST_URI")).isEqualTo(latin1("/chat/caf\u00e9?q=\u00ff"));
        assertThat(env.get("QUERY_STRING")).isEqualTo(new byte[] {'q', '=', (byte) 0xFF});
        assertThat(env.get("PATH_INFO")).isEqualTo(new byte[] {'/', 'c', 'a', 'f', (byte) 0xE9});
        assertThat(env.get("HTTP_X_NAME")).isEqualTo(new byte[] {'c', 'a', 'f', (byte) 0xE9, ' ', (byte) 0xA0, '\t',
                'x'});
    }

    @Test
    void routeTextIsUtf8() {
        CgiSession unicode = new CgiSession("/\u00fcber/", "s", false, "sluice/dev");

        Map<String, byte[]> env = byName(CgiEnvironment.entries(request(headers()), unicode));

        assertThat(env.get("SLUICE_ROUTE")).isEqualTo("/\u00fcber/".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anUnderscoreNameIsSkippedAndNeverCollidesWithItsDashTwin() {
        HttpHeaders headers = headers("X_Foo", "from-underscore", "X-Foo", "from-dash", "A_B", "only-underscore");

        Map<String, String> env = text(CgiEnvironment.entries(request(headers), SESSION));

        assertThat(env).containsEntry("HTTP_X_FOO", "from-dash").doesNotContainKey("HTTP_A_B");
        assertThat(env.values()).doesNotContain("from-underscore", "only-underscore");
    }

    @Test
    void namesThatAreNoEnvironmentNameAreSkipped() {
        HttpHeaders headers = headers("X.Dot", "1", "X Space", "2", "X$", "3", "\u00dcml", "4", "", "5", "X=Y", "6",
                "X\u0000Nul", "7", "9Lives", "8", "x-ok-1", "9");

        Map<String, String> env = text(CgiEnvironment.entries(request(headers), SESSION));

        assertThat(env.keySet()).filteredOn(k -> k.startsWith("HTTP_")).containsExactly("HTTP_9LIVES", "HTTP_X_OK_1");
    }

    @Test
    void credentialsPassOnlyWhenTheRouteSaysSoAndProxyNever() {
        HttpHeaders headers = headers("Cookie", "a=1", "Authorization", "Basic eDp5", "Proxy-Authorization", "p",
                "Proxy", "http://evil:3128", "cookie", "b=2");
        CgiSession passing = new CgiSession("/chat/", "s", true, "sluice/dev");

        Map<String, String> without = text(CgiEnvironment.entries(request(headers), SESSION));
        Map<String, String> with = text(CgiEnvironment.entries(request(headers), passing));

        assertThat(without.keySet()).noneMatch(k -> k.startsWith("HTTP_"));
        assertThat(with).containsEntry("HTTP_COOKIE", "a=1; b=2")
                .containsEntry("HTTP_AUTHORIZATION", "Basic eDp5")
                .containsEntry("HTTP_PROXY_AUTHORIZATION", "p")
                .doesNotContainKey("HTTP_PROXY");
    }

    @Test
    void repeatedHeadersJoinWithCommaWhateverTheirCase() {
        HttpHeaders headers = headers("X-List", "a", "x-list", "b", "X-LIST", "c, d", "Other", "o");

        Map<String, String> env = text(CgiEnvironment.entries(request(headers), SESSION));

        assertThat(env).containsEntry("HTTP_X_LIST", "a, b, c, d").containsEntry("HTTP_OTHER", "o");
    }

    @Test
    void aValueThatCannotBeAnEnvironmentValueIsLeftOutNotAltered() {
        HttpHeaders headers = headers("X-Nul", "a\u0000b", "X-Wide", "\u20ac", "X-Joined", "ok", "x-joined", "n\u0000",
                "X-Fine", "fine");

        Map<String, String> env = text(CgiEnvironment.entries(request(headers), SESSION));

        assertThat(env).containsEntry("HTTP_X_FINE", "fine")
                .doesNotContainKeys("HTTP_X_NUL", "HTTP_X_WIDE", "HTTP_X_JOINED");
    }

    @Test
    void scriptNameAndPathInfoSplitThePathAtTheRoutePrefix() {
        assertThat(split("/chat/room", "/chat/", true)).containsExactly("/chat", "/room");
        assertThat(split("/chat/", "/chat/", true)).containsExactly("/chat", "/");
        assertThat(split("/chat", "/chat", true)).containsExactly("/chat", "");
        assertThat(split("/chatroom/x", "/chat", true)).containsExactly("/chat", "room/x");
        assertThat(split("/any/thing", "/", true)).containsExactly("", "/any/thing");
        assertThat(split("/app/run.ws", ".ws", false)).containsExactly("/app/run.ws", "");
    }

    @Test
    void serverNameIsTheHostWithoutPortOrTheLocalAddress() throws UnknownHostException {
        InetSocketAddress local6 = new InetSocketAddress(InetAddress.getByName("::1"), 8080);

        assertThat(CgiRequest.serverName("example.com:80", LOCAL)).isEqualTo("example.com");
        assertThat(CgiRequest.serverName("example.com", LOCAL)).isEqualTo("example.com");
        assertThat(CgiRequest.serverName("[::1]:8080", LOCAL)).isEqualTo("[::1]");
        assertThat(CgiRequest.serverName("[fe80::1]", LOCAL)).isEqualTo("[fe80::1]");
        assertThat(CgiRequest.serverName(null, LOCAL)).isEqualTo("127.0.0.1");
        assertThat(CgiRequest.serverName("", local6)).isEqualTo("[::1]");
    }

    @Test
    void ipv6RemoteAddressIsCompressed() throws UnknownHostException {
        InetSocketAddress remote6 = new InetSocketAddress(InetAddress.getByName("0:0:0:0:0:0:0:1"), 4000);
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/chat/x", headers());

        Map<String, String> env = text(CgiEnvironment.entries(
                CgiRequest.of(request, LOCAL, remote6, "/chat/x", "/chat/", true), SESSION));

        assertThat(env).containsEntry("REMOTE_ADDR", "::1").containsEntry("REMOTE_PORT", "4000")
                .containsEntry("SERVER_NAME", "127.0.0.1");
    }

    @Test
    void queryStopsAtTheFragmentAndIsEmptyWhenAbsent() {
        assertThat(CgiRequest.queryOf("/a?b=1#frag?x")).isEqualTo("b=1");
        assertThat(CgiRequest.queryOf("/a?")).isEmpty();
        assertThat(CgiRequest.queryOf("/a")).isEmpty();
        assertThat(CgiRequest.queryOf("/a#f?not-query")).isEmpty();
    }

    private static List<String> split(String path, String key, boolean prefix) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path, headers());
        CgiRequest cgi = CgiRequest.of(request, LOCAL, REMOTE, path, key, prefix);
        return List.of(cgi.scriptName(), cgi.pathInfo());
    }

    static CgiRequest request(HttpHeaders headers) {
        return new CgiRequest("GET", "/chat/", "HTTP/1.1", "h", 80, "127.0.0.1", 1, "/chat", "/", "", headers);
    }

    /** Headers without Netty's validation, as hostile as a test wants. */
    static HttpHeaders headers(String... namesAndValues) {
        HttpHeaders headers = new DefaultHttpHeaders(false);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }

    private static HttpRequest decode(String text) {
        return decode(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static HttpRequest decode(byte[] raw) {
        EmbeddedChannel channel = new EmbeddedChannel(new HttpRequestDecoder());
        channel.writeInbound(Unpooled.wrappedBuffer(raw));
        HttpRequest request = channel.readInbound();
        Object rest;
        while ((rest = channel.readInbound()) != null) {
            ReferenceCountUtil.release(rest);
        }
        channel.finishAndReleaseAll();
        assertThat(request.decoderResult().cause()).as("decoder failure").isNull();
        return request;
    }

    private static List<String> env(CgiRequest request, CgiSession session) {
        return CgiEnvironment.entries(request, session).stream()
                .map(e -> new String(e, StandardCharsets.ISO_8859_1)).toList();
    }

    static Map<String, String> text(List<byte[]> entries) {
        Map<String, String> map = new LinkedHashMap<>();
        byName(entries).forEach((k, v) -> map.put(k, new String(v, StandardCharsets.ISO_8859_1)));
        return map;
    }

    static Map<String, byte[]> byName(List<byte[]> entries) {
        Map<String, byte[]> map = new LinkedHashMap<>();
        for (byte[] entry : entries) {
            String s = new String(entry, StandardCharsets.ISO_8859_1);
            int eq = s.indexOf('=');
            assertThat(map.put(s.substring(0, eq), java.util.Arrays.copyOfRange(entry, eq + 1, entry.length)))
                    .as("duplicate %s", s.substring(0, eq)).isNull();
        }
        return map;
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
