package io.sluice.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.sluice.tunnel.config.KeyRule;
import io.sluice.tunnel.config.KeySource;
import java.net.InetSocketAddress;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where a session's key comes from, and which keys are refused (with 400), before any backend is touched. */
class SessionKeyTest {
    private static final String ROUTE = "/sandbox/";
    private static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.7", 50123);

    private static KeyRule rule(String source, String defaultKey, boolean namesFolder) {
        KeySource parsed = KeySource.parse(source);
        return new KeyRule(parsed, Pattern.compile(KeyRule.defaultPattern(parsed)), defaultKey, namesFolder);
    }

    private static FullHttpRequest request(String uri, String... headers) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        for (int i = 0; i < headers.length; i += 2) {
            request.headers().add(headers[i], headers[i + 1]);
        }
        return request;
    }

    private static SessionKey.Found find(KeyRule rule, FullHttpRequest request) {
        try {
            return SessionKey.of(rule, ROUTE, request, RequestPath.of(request.uri()), CLIENT);
        } finally {
            request.release();
        }
    }

    @Test
    void takesTheKeyFromEachSource() {
        assertThat(find(rule("header:X-User", null, false), request("/sandbox/", "X-User", "alice")).key())
                .isEqualTo("alice");
        assertThat(find(rule("cookie:sid", null, false),
                request("/sandbox/", "Cookie", "theme=dark; sid=\"bob\"", "Cookie", "lang=en")).key())
                .isEqualTo("bob");
        assertThat(find(rule("query:user", null, false), request("/sandbox/?a=1&user=c%40rol.x")).key())
                .isEqualTo("c@rol.x");
        assertThat(find(rule("remote-addr", null, false), request("/sandbox/")).key()).isEqualTo("192.0.2.7");
        assertThat(find(rule("path", null, false), request("/sandbox/x/../dave?user=eve")).key())
                .as("decoded and normalised").isEqualTo("dave");
    }

    @Test
    void aMissingKeyIs400OrTheDefault() {
        assertThat(find(rule("header:X-User", null, false), request("/sandbox/")).refusal())
                .isEqualTo("route /sandbox/: the request has no key (header X-User)");
        assertThat(find(rule("path", null, false), request("/sandbox/")).refusal())
                .isEqualTo("route /sandbox/: the request has no key (the path after the route)");
        assertThat(find(rule("header:X-User", "guest", false), request("/sandbox/")).key()).isEqualTo("guest");
    }

    @Test
    void aKeyGivenTwiceIsRefusedRatherThanPickingOne() {
        assertThat(find(rule("header:X-User", null, false), request("/sandbox/", "X-User", "alice", "X-User", "eve"))
                .refusal()).isEqualTo("route /sandbox/: the key header X-User is given more than once");
        assertThat(find(rule("cookie:sid", null, false), request("/sandbox/", "Cookie", "sid=a; sid=b")).refusal())
                .isEqualTo("route /sandbox/: the key cookie sid is given more than once");
        assertThat(find(rule("query:user", null, false), request("/sandbox/?user=a&user=b")).refusal())
                .isEqualTo("route /sandbox/: the key parameter user is given more than once");
    }

    /** Hostile keys never reach the spawner; the 400 says why without echoing them. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "/sandbox/?user=..%2Fx       | the key does not match key-pattern [A-Za-z0-9._@-]{1,128}",
        "/sandbox/?user=a%00b        | the key contains a NUL character",
        "/sandbox/?user=%C3%A9l%C3%A8ve | the key does not match key-pattern [A-Za-z0-9._@-]{1,128}",
        "/sandbox/?user=%zz          | the query string is malformed",
    })
    void refusesHostileKeysWithTheReason(String uri, String reason) {
        SessionKey.Found found = find(rule("query:user", null, false), request(uri.strip()));

        assertThat(found.key()).isNull();
        assertThat(found.refusal()).startsWith("route /sandbox/: " + reason.strip());
    }

    @Test
    void aTenKibibyteKeyIsRefused() {
        SessionKey.Found found = find(rule("header:X-User", null, false), request("/sandbox/", "X-User",
                "a".repeat(10 * 1024)));

        assertThat(found.refusal()).isEqualTo("route /sandbox/: the key does not match key-pattern "
                + "[A-Za-z0-9._@-]{1,128} (from header X-User)");
    }

    @Test
    void aKeyThatNamesAFolderMustBeOneOrdinaryName() {
        KeyRule loose = new KeyRule(KeySource.parse("header:X-User"), Pattern.compile("[a-z./]+"), null, true);

        assertThat(find(loose, request("/sandbox/", "X-User", "..")).refusal()).contains("cannot name a folder");
        assertThat(find(loose, request("/sandbox/", "X-User", "a/b")).refusal()).contains("cannot name a folder");
        assertThat(find(loose, request("/sandbox/", "X-User", "a.b")).key()).isEqualTo("a.b");
    }
}
