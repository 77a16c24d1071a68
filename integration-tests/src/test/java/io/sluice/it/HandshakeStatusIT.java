package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.client.RawWsClient;
import io.sluice.it.client.RawWsClient.Response;
import io.sluice.it.harness.BackendProcess;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Every HTTP status of the handshake (ARCHITECTURE §2), seen over a real socket. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HandshakeStatusIT {
    private SocketDir dir;
    private BackendProcess echo;
    private RunningSluice sluice;

    @BeforeAll
    void start() throws Exception {
        dir = new SocketDir();
        Files.createDirectories(dir.resolve("www/js"));
        Files.writeString(dir.resolve("www/index.html"), "<h1>hello</h1>");
        Files.writeString(dir.resolve("www/js/app.js"), "console.log(1)");
        Files.writeString(dir.resolve("secret.txt"), "top secret");
        Files.writeString(dir.resolve("www/.env"), "TOKEN=top secret");
        echo = BackendProcess.unix(dir.resolve("echo.sock"), "echo");
        sluice = RunningSluice.start(dir.path(), """
                server: { bind: 127.0.0.1, port: 0, document-root: www }
                wstunnel:
                  map-extensions: { ".alias": ".wsx" }
                  server:
                    "/echo": [ { socket: echo.sock } ]
                    "/guarded":
                      origins: [ "https://app.example", "example.org" ]
                      hosts: [ { socket: echo.sock } ]
                    "/dead": [ { socket: missing.sock } ]
                    ".wsx": [ { socket: echo.sock } ]
                """);
    }

    @AfterAll
    void stop() throws Exception {
        if (sluice != null) {
            sluice.close();
        }
        if (echo != null) {
            echo.close();
        }
        if (dir != null) {
            dir.close();
        }
    }

    private Response upgrade(String path, String... headers) throws Exception {
        try (RawWsClient client = new RawWsClient(sluice.address())) {
            return client.upgrade(path, headers);
        }
    }

    private Response get(String path) throws Exception {
        try (RawWsClient client = new RawWsClient(sluice.address())) {
            return client.request("GET " + path + " HTTP/1.1", "Host: 127.0.0.1", "Connection: close");
        }
    }

    @Test
    void acceptsAGoodHandshakeWithTheRightAcceptKey() throws Exception {
        Response response = upgrade("/echo");
        assertThat(response.status()).isEqualTo(101);
        assertThat(response.header("Sec-WebSocket-Accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assertThat(response.header("Sec-WebSocket-Protocol")).isNull();
    }

    @Test
    void echoesTheBinaryAndBase64Subprotocols() throws Exception {
        assertThat(upgrade("/echo", "Sec-WebSocket-Protocol: chat, binary").header("Sec-WebSocket-Protocol"))
                .isEqualTo("binary");
        assertThat(upgrade("/echo", "Sec-WebSocket-Protocol: base64").header("Sec-WebSocket-Protocol"))
                .isEqualTo("base64");
        Response other = upgrade("/echo", "Sec-WebSocket-Protocol: chat");
        assertThat(other.status()).isEqualTo(101);
        assertThat(other.header("Sec-WebSocket-Protocol")).isNull();
    }

    @Test
    void answers404ForAPathNoRouteMatches() throws Exception {
        assertThat(upgrade("/nowhere").status()).isEqualTo(404);
    }

    @Test
    void matchesSuffixRoutesAndMapExtensions() throws Exception {
        assertThat(upgrade("/a/b/c.wsx").status()).isEqualTo(101);
        assertThat(upgrade("/a/b/c.alias").status()).isEqualTo(101);
        assertThat(upgrade("/echo/deeper?query=1").status()).isEqualTo(101);
    }

    @Test
    void answers400WithoutOriginAnd403ForAForeignOne() throws Exception {
        assertThat(upgrade("/guarded").status()).isEqualTo(400);
        assertThat(upgrade("/guarded", "Origin: https://evil.example").status()).isEqualTo(403);
        assertThat(upgrade("/guarded", "Origin: http://app.example").status()).isEqualTo(403);
        assertThat(upgrade("/guarded", "Origin: https://APP.example").status()).isEqualTo(101);
        assertThat(upgrade("/guarded", "Origin: http://www.example.org:8080").status()).isEqualTo(101);
        assertThat(upgrade("/guarded", "Origin: https://example.org").status()).isEqualTo(101);
        assertThat(upgrade("/guarded", "Origin: https://badexample.org").status()).isEqualTo(403);
    }

    @Test
    void answers426WithTheSupportedVersionForAnyOtherVersion() throws Exception {
        try (RawWsClient client = new RawWsClient(sluice.address())) {
            Response response = client.request("GET /echo HTTP/1.1", "Host: 127.0.0.1", "Upgrade: websocket",
                    "Connection: Upgrade", "Sec-WebSocket-Version: 8", "Sec-WebSocket-Key: " + RawWsClient.GOOD_KEY);
            assertThat(response.status()).isEqualTo(426);
            assertThat(response.header("Sec-WebSocket-Version")).isEqualTo("13");
        }
    }

    @Test
    void answers400ForAMissingOrMalformedKey() throws Exception {
        try (RawWsClient client = new RawWsClient(sluice.address())) {
            assertThat(client.request("GET /echo HTTP/1.1", "Host: 127.0.0.1", "Upgrade: websocket",
                    "Connection: Upgrade", "Sec-WebSocket-Version: 13").status()).isEqualTo(400);
        }
        try (RawWsClient client = new RawWsClient(sluice.address())) {
            assertThat(client.request("GET /echo HTTP/1.1", "Host: 127.0.0.1", "Upgrade: websocket",
                    "Connection: Upgrade", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: c2hvcnQ=")
                    .status()).isEqualTo(400);
        }
    }

    @Test
    void answers503WithAReasonWhenNoBackendAccepts() throws Exception {
        for (int i = 0; i < 3; i++) { // the first refusal, then the route's outage
            Response response = upgrade("/dead");
            assertThat(response.status()).isEqualTo(503);
            assertThat(response.body()).contains("/dead").doesNotContain("missing.sock")
                    .doesNotContain(dir.path().toString());
        }
    }

    @Test
    void servesStaticFilesWithContentTypes() throws Exception {
        Response index = get("/");
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.header("Content-Type")).startsWith("text/html");
        assertThat(index.body()).isEqualTo("<h1>hello</h1>");
        Response script = get("/js/app.js");
        assertThat(script.status()).isEqualTo(200);
        assertThat(script.header("Content-Type")).contains("javascript");
        assertThat(get("/missing.html").status()).isEqualTo(404);
    }

    @Test
    void neverServesADotfile() throws Exception {
        for (String path : new String[] {"/.env", "/js/../.env", "/%2eenv"}) {
            Response response = get(path);
            assertThat(response.status()).as(path).isEqualTo(404);
            assertThat(response.body()).as(path).doesNotContain("top secret");
        }
    }

    @Test
    void matchesRoutesOnThePathWithDotSegmentsResolved() throws Exception {
        assertThat(upgrade("/echo/../nowhere").status()).isEqualTo(404);
        assertThat(upgrade("/echo/%2e%2e/nowhere").status()).isEqualTo(404);
        assertThat(upgrade("/nowhere/../echo").status()).isEqualTo(101);
    }

    @Test
    void answers400ForRepeatedHandshakeHeadersAndAMissingHost() throws Exception {
        assertThat(upgrade("/echo", "Sec-WebSocket-Key: " + RawWsClient.GOOD_KEY).status()).isEqualTo(400);
        assertThat(upgrade("/echo", "Sec-WebSocket-Version: 13").status()).isEqualTo(400);
        assertThat(upgrade("/echo", "Host: elsewhere").status()).isEqualTo(400);
        assertThat(upgrade("/echo", "Origin: https://a.example", "Origin: https://b.example").status())
                .isEqualTo(400);
        try (RawWsClient client = new RawWsClient(sluice.address())) {
            assertThat(client.request("GET /echo HTTP/1.1", "Upgrade: websocket", "Connection: Upgrade",
                    "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: " + RawWsClient.GOOD_KEY).status())
                    .isEqualTo(400);
        }
    }

    @Test
    void neverServesAFileOutsideTheDocumentRoot() throws Exception {
        for (String path : new String[] {"/../secret.txt", "/%2e%2e/secret.txt", "/js/..%2f..%2fsecret.txt",
                "/..%5csecret.txt"}) {
            Response response = get(path);
            assertThat(response.status()).as(path).isIn(400, 404);
            assertThat(response.body()).as(path).doesNotContain("top secret");
        }
    }
}
