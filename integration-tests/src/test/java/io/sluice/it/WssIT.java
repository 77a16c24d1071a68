package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.it.browser.HeadlessChromium;
import io.sluice.it.client.JdkWsClient;
import io.sluice.it.harness.BackendProcess;
import io.sluice.it.harness.LinePump;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import io.sluice.testsupport.tls.TestCertificates;
import io.sluice.testsupport.tls.TestCertificates.Issued;
import io.sluice.testsupport.tls.TestCertificates.KeyKind;
import io.sluice.testsupport.tls.TestCertificates.Use;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * wss end to end: the real server with {@code server.tls} from PEM files made in the test (an RSA root, an EC
 * intermediate and an RSA leaf, the chain in the certificate file), the JDK WebSocket client trusting only the test
 * root, headless Chromium on a page served over https by the same listener, and client certificates required: one
 * signed by the configured CA gets in (and its CN reaches a socket backend in the PROXY v2 header), none or a foreign
 * one is refused in the handshake.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WssIT {
    private static final Issued ROOT = TestCertificates.ca("WssIT root", KeyKind.RSA);
    private static final Issued INTERMEDIATE = TestCertificates.issue(ROOT, "WssIT intermediate", KeyKind.EC, Use.CA);
    private static final Issued LEAF = TestCertificates.issue(INTERMEDIATE, "localhost", KeyKind.RSA, Use.SERVER);
    private static final Issued CLIENT_CA = TestCertificates.ca("WssIT clients", KeyKind.EC);
    private static final Issued ALICE = TestCertificates.issue(CLIENT_CA, "alice", KeyKind.EC, Use.CLIENT);
    private static final Issued MALLORY = TestCertificates.issue(TestCertificates.ca("Elsewhere", KeyKind.EC),
            "mallory", KeyKind.RSA, Use.CLIENT);

    private SocketDir dir;
    private BackendProcess echo;
    private Process receiver;
    private RunningSluice open;
    private RunningSluice guarded;

    @BeforeAll
    void start() throws Exception {
        dir = new SocketDir();
        TestCertificates.writeChain(dir.resolve("chain.pem"), LEAF, INTERMEDIATE);
        TestCertificates.writeKey(dir.resolve("key.pem"), LEAF);
        TestCertificates.writeChain(dir.resolve("clients.pem"), CLIENT_CA);
        Files.createDirectories(dir.resolve("www"));
        Files.writeString(dir.resolve("www/wss.html"), """
                <!doctype html><title>wss</title><p id="out">waiting</p>
                <script>
                  const ws = new WebSocket("wss://" + location.host + "/echo");
                  ws.onopen = () => ws.send("hello över wss");
                  ws.onmessage = e => { document.getElementById("out").textContent = "echo: " + e.data; };
                  ws.onerror = () => { document.getElementById("out").textContent = "error"; };
                </script>
                """);
        echo = BackendProcess.tcp("echo");
        open = RunningSluice.start(dir.path(), """
                server:
                  port: 0
                  document-root: www
                  tls: { certificate: chain.pem, key: key.pem }
                wstunnel:
                  ping-interval: 0
                  server:
                    "/echo": [ { host: 127.0.0.1, port: %d } ]
                """.formatted(echo.tcpPort()));
        Path receiverScript = Path.of(WssIT.class.getResource("/python/proxy_v2_backend.py").toURI());
        Path socket = dir.resolve("who.sock");
        receiver = new ProcessBuilder("/usr/bin/python3", receiverScript.toString(), socket.toString())
                .redirectErrorStream(true).start();
        List<String> output = new CopyOnWriteArrayList<>();
        LinePump.start(receiver.getInputStream(), output, "proxy-v2-backend");
        await().atMost(Duration.ofSeconds(20)).until(() -> output.contains("ready"));
        Files.createDirectories(dir.resolve("guarded"));
        guarded = RunningSluice.start(dir.resolve("guarded"), """
                server:
                  port: 0
                  tls: { certificate: ../chain.pem, key: ../key.pem, ca: ../clients.pem, client-auth: require }
                wstunnel:
                  frame-type: binary
                  ping-interval: 0
                  server:
                    "/who": [ { socket: %s, proxy-protocol: v2 } ]
                """.formatted(socket));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (open != null) {
                open.close();
            }
            if (guarded != null) {
                guarded.close();
            }
        } finally {
            if (receiver != null) {
                receiver.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            if (echo != null) {
                echo.close();
            }
            dir.close();
        }
    }

    private static HttpClient client(SSLContext tls) {
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static URI wss(RunningSluice sluice, String path) {
        return URI.create("wss://127.0.0.1:" + sluice.address().getPort() + path);
    }

    @Test
    void theJdkClientRoundTripsEveryByteOverWss() throws Exception {
        String text = Payloads.text(1 << 20, 1 << 20);
        byte[] sent = text.getBytes(StandardCharsets.UTF_8);
        try (JdkWsClient ws = JdkWsClient.connect(client(TestCertificates.clientContext(ROOT, null)),
                wss(open, "/echo"), false)) {
            ws.sendText(text);
            ws.awaitBytes(sent.length, Duration.ofSeconds(60));

            assertThat(ws.received().crc()).isEqualTo(Payloads.crc(sent));
            assertThat(ws.closeCode()).isNotDone();
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateIsRefused() {
        SSLContext elsewhere = TestCertificates.clientContext(TestCertificates.ca("Unrelated", KeyKind.EC), null);

        assertThatThrownBy(() -> JdkWsClient.connect(client(elsewhere), wss(open, "/echo"), false).close())
                .hasStackTraceContaining("SSLHandshakeException");
    }

    @Test
    void chromiumTalksOverWssOnAPageServedOverHttps() throws Exception {
        assumeTrue(HeadlessChromium.installed(), "needs chromium and chromium-driver; skipped");
        // The test root is not in Chromium's trust store: the switch stands in for installing it.
        try (HeadlessChromium browser = new HeadlessChromium(dir.resolve("chromium-profile"),
                "--ignore-certificate-errors")) {
            WebDriver page = browser.driver();
            page.get("https://127.0.0.1:" + open.address().getPort() + "/wss.html");

            new WebDriverWait(page, Duration.ofSeconds(30))
                    .until(d -> !d.findElement(By.id("out")).getText().equals("waiting"));
            assertThat(page.findElement(By.id("out")).getText()).isEqualTo("echo: hello över wss");
        }
    }

    @Test
    void aRequiredClientCertificateLetsAliceInAndHerCnReachesTheBackend() throws Exception {
        SSLContext alice = TestCertificates.clientContext(ROOT, ALICE);
        try (JdkWsClient ws = JdkWsClient.connect(client(alice), wss(guarded, "/who"), true)) {
            ws.sendBinary("hi".getBytes(StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> new String(ws.received().keptBytes(), StandardCharsets.UTF_8).endsWith("hi"));
            String facts = new String(ws.received().keptBytes(), StandardCharsets.UTF_8);

            assertThat(facts).contains("\"0x20\": {", "\"client\": 7", "\"verify\": 0", "\"0x21\": \"TLSv1.3\"",
                    "\"0x22\": \"alice\"").doesNotContain("error");
        }
    }

    @Test
    void aRequiredClientCertificateRefusesNoneAndAForeignOne() {
        SSLContext none = TestCertificates.clientContext(ROOT, null);
        SSLContext mallory = TestCertificates.clientContext(ROOT, MALLORY);

        assertThatThrownBy(() -> JdkWsClient.connect(client(none), wss(guarded, "/who"), false).close())
                .as("no certificate").isNotNull();
        assertThatThrownBy(() -> JdkWsClient.connect(client(mallory), wss(guarded, "/who"), false).close())
                .as("a certificate from another CA").isNotNull();
    }
}
