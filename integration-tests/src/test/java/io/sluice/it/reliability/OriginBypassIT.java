package io.sluice.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.client.RawWsClient;
import io.sluice.it.harness.BackendProcess;
import io.sluice.it.harness.CaseFamily;
import io.sluice.it.harness.Evidence;
import io.sluice.it.harness.Observed;
import io.sluice.it.harness.ReliabilityCase;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Getting past {@code origins: ["https://app.example", "example.org"]} (an exact origin and a host with its
 * subdomains) with Origin values a browser never sends for an allowed page, over real sockets: suffix and prefix
 * tricks, userinfo, {@code null}, other schemes and ports, look-alike hosts, lists, paths. Each gets 403; the
 * forms that are the same origin (case, the default port written out) and subdomains of the bare host get 101.
 */
@ExtendWith(Evidence.class)
class OriginBypassIT {
    private static final List<String> REFUSED = List.of(
            "https://app.example.evil.com", "https://evil.com/https://app.example", "https://evilapp.example",
            "https://app.example@evil.com", "https://evil.com#https://app.example", "https://app.exampl",
            "null", "NULL", "", "https://app.example:8443", "https://app.example:80", "http://app.example",
            "wss://app.example", "ws://app.example", "https://app.example.", "https://app.example/",
            "https://app.example/path", "https://app.example, https://evil.com", "https://evil.com, https://app.example",
            "https://app.example%2eevil.com", "https://app%2eexample", "//app.example", "app.example",
            "https://[::1]", "https://app.example:99999", "https://example.org.evil.com", "https://evilexample.org",
            "https://example.org.", "ftp://example.org", "file://example.org", "chrome-extension://example.org",
            "javascript://example.org", "https://xn--exmple-cua.org", "https://ex\u00e4mple.org",
            "https://example.org:99999", "https://example.org\\@evil.com", "https://sub.example.org.evil.com");
    private static final List<String> ALLOWED = List.of("https://app.example", "HTTPS://APP.EXAMPLE",
            "https://app.example:443", "https://example.org", "http://example.org:8080", "wss://a.b.example.org",
            "https://EXAMPLE.org");

    @Test
    @ReliabilityCase(id = "security.origin-bypass", family = CaseFamily.SECURITY,
            title = "Origin values built to get past origins: an exact origin and a bare host")
    void everyBypassAttemptGets403AndTheSameOriginInAnyFormGets101(Observed observed) throws Exception {
        try (SocketDir dir = new SocketDir();
             BackendProcess echo = BackendProcess.unix(dir.resolve("echo.sock"), "echo");
             RunningSluice sluice = RunningSluice.start(dir.path(), """
                     server: { bind: 127.0.0.1, port: 0 }
                     wstunnel:
                       origins: [ "https://app.example", "example.org" ]
                       server:
                         "/ws": [ { socket: echo.sock } ]
                     """)) {
            List<String> wrong = new ArrayList<>();
            for (String origin : REFUSED) {
                int status = status(sluice, origin);
                int expected = origin.isEmpty() ? 400 : 403; // an empty Origin is a missing one
                if (status != expected) {
                    wrong.add(origin + " -> " + status);
                }
            }
            for (String origin : ALLOWED) {
                int status = status(sluice, origin);
                if (status != 101) {
                    wrong.add(origin + " -> " + status);
                }
            }
            assertThat(wrong).as("origins answered otherwise than expected").isEmpty();
            observed.outcome(("%d bypass attempts (suffix and prefix tricks, userinfo, fragment, null, other schemes"
                    + " and ports, trailing dot, paths, lists, percent-encoding, look-alike and punycode hosts) got"
                    + " 403 (400 for an empty one); %d spellings of allowed origins (case, default port, subdomains of"
                    + " the bare host) got 101.").formatted(REFUSED.size(), ALLOWED.size()))
                    .bound("wstunnel.origins", "which Origin values may open a tunnel");
        }
    }

    private static int status(RunningSluice sluice, String origin) throws Exception {
        try (RawWsClient client = new RawWsClient(sluice.address())) {
            return client.upgrade("/ws", "Origin: " + origin).status();
        }
    }
}
