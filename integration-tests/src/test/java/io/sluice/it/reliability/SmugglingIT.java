package io.sluice.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.harness.BackendProcess;
import io.sluice.it.harness.CaseFamily;
import io.sluice.it.harness.Evidence;
import io.sluice.it.harness.Observed;
import io.sluice.it.harness.ReliabilityCase;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Request-smuggling shapes: requests whose framing two HTTP parsers could read differently (two Content-Lengths,
 * Transfer-Encoding on an upgrade or next to Content-Length, odd spellings, bare LF), and a second request hidden in a
 * body. Every ambiguous one gets 400 at once and the connection closes; no upgrade ever takes bytes of the tunnel as
 * a body; a body is never read as a request.
 */
@ExtendWith(Evidence.class)
class SmugglingIT {
    private static final String UPGRADE = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    private static final String PLAIN = "GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n";

    @Test
    @ReliabilityCase(id = "security.smuggling", family = CaseFamily.SECURITY,
            title = "request smuggling shapes: duplicate Content-Length, Transfer-Encoding on an upgrade, and kin")
    void everyAmbiguouslyFramedRequestGets400AtOnce(Observed observed) throws Exception {
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("two equal Content-Length on an upgrade", UPGRADE + "Content-Length: 0\r\nContent-Length: 0\r\n\r\n");
        refused.put("two different Content-Length on an upgrade", UPGRADE + "Content-Length: 0\r\nContent-Length: 5\r\n\r\n");
        refused.put("two Content-Length on a plain GET", PLAIN + "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab");
        refused.put("Transfer-Encoding: chunked on an upgrade", UPGRADE + "Transfer-Encoding: chunked\r\n\r\n");
        refused.put("a chunked body on an upgrade", UPGRADE + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        refused.put("Transfer-Encoding with Content-Length", UPGRADE + "Transfer-Encoding: chunked\r\nContent-Length: 3"
                + "\r\n\r\n");
        refused.put("Transfer-Encoding: identity", UPGRADE + "Transfer-Encoding: identity\r\n\r\n");
        refused.put("a body on an upgrade", UPGRADE + "Content-Length: 5\r\n\r\nhello");
        refused.put("space before the colon", UPGRADE + "Content-Length : 5\r\n\r\n");
        refused.put("Content-Length with a sign", PLAIN + "Content-Length: +2\r\n\r\nab");
        refused.put("Content-Length not a number", PLAIN + "Content-Length: 0x2\r\n\r\nab");
        refused.put("a bare LF request", UPGRADE.replace("\r\n", "\n") + "\n");
        refused.put("a NUL in a header value", UPGRADE + "X-Forwarded-For: 1.2.3.4\0evil\r\n\r\n");
        List<String> wrong = new ArrayList<>();
        long slowest = 0;
        try (SocketDir dir = new SocketDir();
             BackendProcess echo = BackendProcess.unix(dir.resolve("echo.sock"), "echo")) {
            Files.createDirectories(dir.resolve("www"));
            Files.writeString(dir.resolve("www/index.html"), "index");
            try (RunningSluice sluice = RunningSluice.start(dir.path(), """
                    server: { bind: 127.0.0.1, port: 0, document-root: www, handshake-timeout: 10s }
                    wstunnel:
                      server:
                        "/ws": [ { socket: echo.sock } ]
                    """)) {
                for (Map.Entry<String, String> shape : refused.entrySet()) {
                    long started = System.nanoTime();
                    String answer = exchange(sluice, shape.getValue(), Duration.ofSeconds(5));
                    slowest = Math.max(slowest, System.nanoTime() - started);
                    if (!answer.startsWith("HTTP/1.1 400 ") || !answer.endsWith("<EOF>")) {
                        wrong.add(shape.getKey() + ": " + answer.lines().findFirst().orElse(answer));
                    }
                }
                // A second request hidden in a body is the body: one answer, for the outer request.
                String hidden = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n\r\n";
                String answer = exchange(sluice, PLAIN + "Content-Length: " + hidden.length() + "\r\n\r\n" + hidden
                        + PLAIN + "Connection: close\r\n\r\n", Duration.ofSeconds(5));
                assertThat(answer.split("HTTP/1.1 ", -1)).as("answers: %s", answer).hasSize(3);
                assertThat(answer).contains("HTTP/1.1 200 OK").doesNotContain("101").doesNotContain("400");
            }
        }
        assertThat(wrong).as("shapes answered otherwise than 400 and close").isEmpty();
        assertThat(Duration.ofNanos(slowest)).as("at once, not at handshake-timeout").isLessThan(Duration.ofSeconds(2));
        observed.outcome(("%d shapes (%s) each got 400 at once and the connection closed; an upgrade never took"
                + " bytes behind it as a body; a request hidden in a Content-Length body was never answered.")
                .formatted(refused.size(), String.join(", ", refused.keySet())))
                .measured("slowest 400", Duration.ofNanos(slowest).toMillis() + " ms");
    }

    /** Sends {@code request} in one write; returns everything read until EOF (marked) or the wait (marked). */
    private static String exchange(RunningSluice sluice, String request, Duration wait) throws IOException {
        try (Socket socket = new Socket(sluice.address().getAddress(), sluice.address().getPort())) {
            socket.setSoTimeout((int) wait.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream in = new ByteArrayOutputStream();
            InputStream stream = socket.getInputStream();
            try {
                for (int b; (b = stream.read()) >= 0; ) {
                    in.write(b);
                }
                return in.toString(StandardCharsets.ISO_8859_1) + "<EOF>";
            } catch (SocketTimeoutException e) {
                return in.toString(StandardCharsets.ISO_8859_1) + "<no EOF within " + wait + ">";
            }
        }
    }
}
