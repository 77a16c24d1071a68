package io.sluice.tunnel.cgi;

import static io.sluice.tunnel.cgi.CgiEnvironmentTest.headers;
import static io.sluice.tunnel.cgi.CgiEnvironmentTest.request;
import static io.sluice.tunnel.cgi.CgiEnvironmentTest.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A client writing a per-connection program's environment through its headers: it may only ever add
 * {@code HTTP_*} variables for its own headers. It cannot set or replace a variable Sluice sets (the CGI ones, PATH,
 * SLUICE_*), cannot smuggle a second variable into one value, cannot make two headers one variable by spelling, and
 * cannot pose as a proxy setting (httpoxy).
 */
class CgiInjectionTest {
    private static final CgiSession SESSION = new CgiSession("/chat/", "s-42", false, "sluice/1.2.3");

    private static Map<String, String> env(String... namesAndValues) {
        return text(CgiEnvironment.entries(request(headers(namesAndValues)), SESSION));
    }

    @Test
    void headersNamedLikeSluicesOwnVariablesOnlyEverBecomeHttpVariables() {
        Map<String, String> env = env("Remote-Addr", "6.6.6.6", "Remote_Addr", "6.6.6.6", "Path", "/evil/bin",
                "Sluice-Route", "/admin/", "Sluice-Session-Id", "forged", "Gateway-Interface", "evil",
                "Content-Length", "999", "Query-String", "x=1", "LD_PRELOAD", "/tmp/evil.so", "Ld-Preload", "/x.so");

        assertThat(env).containsEntry("REMOTE_ADDR", "127.0.0.1").containsEntry("SLUICE_ROUTE", "/chat/")
                .containsEntry("SLUICE_SESSION_ID", "s-42").containsEntry("GATEWAY_INTERFACE", "CGI/1.1")
                .containsEntry("QUERY_STRING", "");
        assertThat(env).doesNotContainKeys("PATH", "LD_PRELOAD", "CONTENT_LENGTH", "HTTP_REMOTE_ADDR_");
        assertThat(env).containsEntry("HTTP_REMOTE_ADDR", "6.6.6.6").containsEntry("HTTP_PATH", "/evil/bin")
                .containsEntry("HTTP_LD_PRELOAD", "/x.so");
        assertThat(env.keySet()).filteredOn(name -> !name.startsWith("HTTP_")).containsExactly(
                "GATEWAY_INTERFACE", "SERVER_SOFTWARE", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
                "REMOTE_ADDR", "REMOTE_PORT", "REQUEST_METHOD", "REQUEST_URI", "SCRIPT_NAME", "PATH_INFO",
                "QUERY_STRING", "SLUICE_ROUTE", "SLUICE_SESSION_ID");
    }

    @Test
    void aValueCannotCarryASecondVariable() {
        List<byte[]> entries = CgiEnvironment.entries(request(headers("X-A", "1\nPATH=/evil", "X-B", "2\0PATH=/evil",
                "X-C", "3\r\nLD_PRELOAD=/x.so")), SESSION);
        Map<String, String> env = text(entries);

        assertThat(env).containsEntry("HTTP_X_A", "1\nPATH=/evil").containsEntry("HTTP_X_C", "3\r\nLD_PRELOAD=/x.so");
        assertThat(env).as("a NUL would end the entry early: left out, never cut").doesNotContainKey("HTTP_X_B");
        assertThat(env).doesNotContainKeys("PATH", "LD_PRELOAD");
        assertThat(entries).as("one entry per variable").hasSize(env.size());
    }

    @Test
    void spellingsThatWouldMergeOrEscapeTheNameAreSkipped() {
        Map<String, String> env = env("X-Forwarded-For", "10.0.0.1", "X_Forwarded_For", "6.6.6.6",
                "X-Forwarded-For ", "6.6.6.6", "X-Forwarded-For=", "6.6.6.6", "X-Forwarded\u00adFor", "6.6.6.6",
                "Proxy", "http://evil:3128", "proxy", "http://evil:3128");

        assertThat(env).containsEntry("HTTP_X_FORWARDED_FOR", "10.0.0.1");
        assertThat(env).doesNotContainKeys("HTTP_PROXY", "HTTP_X_FORWARDED_FOR_");
        assertThat(env.keySet()).filteredOn(name -> name.contains("FORWARDED")).containsExactly("HTTP_X_FORWARDED_FOR");
    }
}
