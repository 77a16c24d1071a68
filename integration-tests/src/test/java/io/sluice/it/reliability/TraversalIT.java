package io.sluice.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.client.RawWsClient;
import io.sluice.it.harness.CaseFamily;
import io.sluice.it.harness.Evidence;
import io.sluice.it.harness.Observed;
import io.sluice.it.harness.ReliabilityCase;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Escaping the document root, in every encoding a path can take on the wire: dot segments plain, percent-encoded,
 * double-encoded, as overlong UTF-8, with backslashes, with NUL, in absolute form, and through symbolic links that
 * point out of the root. Every one gets 400 or 404 and not a byte of the file outside; files inside, a link inside
 * included, are still served.
 */
@ExtendWith(Evidence.class)
class TraversalIT {
    private static final String SECRET = "top secret outside the root";

    @Test
    @ReliabilityCase(id = "security.traversal", family = CaseFamily.SECURITY,
            title = "document-root traversal in every encoding, and symlinks out of the root")
    void noEncodingOfAPathReachesAFileOutsideTheDocumentRoot(Observed observed) throws Exception {
        try (SocketDir dir = new SocketDir()) {
            Files.createDirectories(dir.resolve("www/js"));
            Files.writeString(dir.resolve("www/index.html"), "<h1>inside</h1>");
            Files.writeString(dir.resolve("secret.txt"), SECRET);
            Files.createSymbolicLink(dir.resolve("www/link-out"), dir.resolve("secret.txt"));
            Files.createSymbolicLink(dir.resolve("www/dir-out"), dir.path());
            Files.createSymbolicLink(dir.resolve("www/relative-out"), java.nio.file.Path.of("../secret.txt"));
            Files.createSymbolicLink(dir.resolve("www/link-in.html"), dir.resolve("www/index.html"));
            Map<String, String> attempts = new LinkedHashMap<>();
            attempts.put("dot segments", "/../secret.txt /js/../../secret.txt //../secret.txt /./../secret.txt");
            attempts.put("percent", "/%2e%2e/secret.txt /%2E%2E%2Fsecret.txt /..%2fsecret.txt /js/%2e%2e/%2e%2e/secret.txt");
            attempts.put("double percent", "/%252e%252e/secret.txt /%252e%252e%252fsecret.txt /..%252fsecret.txt");
            attempts.put("overlong UTF-8", "/%c0%ae%c0%ae/secret.txt /%c0%ae%c0%ae%c0%afsecret.txt"
                    + " /%e0%80%ae%e0%80%ae/secret.txt /..%c0%afsecret.txt /..%c1%9csecret.txt");
            attempts.put("backslash", "/..\\secret.txt /..%5csecret.txt /%5c..%5csecret.txt /..%255csecret.txt");
            attempts.put("NUL", "/secret.txt%00.html /index.html%00/../../secret.txt /%00../secret.txt");
            attempts.put("absolute form", "http://127.0.0.1/../secret.txt http://127.0.0.1/%2e%2e/secret.txt");
            attempts.put("look-alike dots", "/%ef%bc%8e%ef%bc%8e/secret.txt /%e2%80%a4%e2%80%a4/secret.txt");
            attempts.put("symlinks out", "/link-out /dir-out/secret.txt /relative-out /dir-out/www/../secret.txt");
            int count = 0;
            try (RunningSluice sluice = RunningSluice.start(dir.path(), """
                    server: { bind: 127.0.0.1, port: 0, document-root: www }
                    wstunnel:
                      server:
                        "/ws": [ { socket: none.sock } ]
                    """)) {
                for (Map.Entry<String, String> family : attempts.entrySet()) {
                    for (String target : family.getValue().split(" ")) {
                        RawWsClient.Response response = get(sluice, target);
                        assertThat(response.status()).as("%s: %s", family.getKey(), target).isIn(400, 404);
                        assertThat(response.body()).as("%s: %s", family.getKey(), target).doesNotContain("secret");
                        count++;
                    }
                }
                assertThat(get(sluice, "/index.html").body()).isEqualTo("<h1>inside</h1>");
                assertThat(get(sluice, "/link-in.html").body()).as("a link inside the root").isEqualTo(
                        "<h1>inside</h1>");
                assertThat(get(sluice, "/js/../index.html").body()).isEqualTo("<h1>inside</h1>");
            }
            observed.outcome("%d request targets, every one 400 or 404 without a byte of the file: %s. Files inside"
                    .formatted(count, String.join(", ", attempts.keySet())) + " the root, through a link inside it"
                    + " too, are served.");
        }
    }

    private static RawWsClient.Response get(RunningSluice sluice, String target) throws Exception {
        try (RawWsClient client = new RawWsClient(sluice.address())) {
            return client.request(List.of("GET " + target + " HTTP/1.1", "Host: 127.0.0.1", "Connection: close")
                    .toArray(String[]::new));
        }
    }
}
