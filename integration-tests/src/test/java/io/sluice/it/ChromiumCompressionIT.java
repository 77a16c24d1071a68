package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.it.browser.HeadlessChromium;
import io.sluice.it.harness.BackendProcess;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import io.sluice.tunnel.server.TunnelServer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * permessage-deflate with headless Chromium, which offers it on every WebSocket: the extension is agreed
 * ({@code WebSocket.extensions}), text and binary echoes come back byte-exact (the browser inflates what Sluice
 * compressed and the backend got what Sluice inflated), and a compression bomb the browser sends ends in 1009
 * within the session's memory bound.
 */
class ChromiumCompressionIT {
    private static final long BOUND = TunnelServer.WATER_MARK.high() + 64 * 1024 + 1024;
    /** Resolves with {ext, code?, echo...}: the page's probe, run by executeAsyncScript. */
    private static final String ECHO = """
            const [url, kind, size, done] = arguments;
            const ws = new WebSocket(url);
            ws.binaryType = 'arraybuffer';
            let sent;
            if (kind === 'text') {
              let s = '';
              for (let i = 0; s.length < size; i++) s += '{"n":' + i + ',"v":"grüße, 世界"},';
              sent = new TextEncoder().encode(s.slice(0, size));
            } else if (kind === 'zeros') {
              sent = new Uint8Array(size);
            } else {
              sent = new Uint8Array(size);
              let x = 12345;
              for (let i = 0; i < size; i++) { x = (x * 1103515245 + 12345) >>> 0; sent[i] = x >>> 24; }
            }
            const got = [];
            let total = 0;
            ws.onopen = () => ws.send(kind === 'text' ? new TextDecoder().decode(sent) : sent);
            ws.onmessage = e => {
              const bytes = typeof e.data === 'string' ? new TextEncoder().encode(e.data) : new Uint8Array(e.data);
              got.push(bytes); total += bytes.length;
              if (total >= sent.length) {
                const all = new Uint8Array(total); let at = 0;
                for (const b of got) { all.set(b, at); at += b.length; }
                const same = all.length === sent.length && all.every((b, i) => b === sent[i]);
                done({ext: ws.extensions, same: same, bytes: total});
                ws.close();
              }
            };
            ws.onclose = e => done({ext: ws.extensions, code: e.code, bytes: total});
            """;

    private SocketDir dir;
    private BackendProcess echo;
    private RunningSluice sluice;
    private HeadlessChromium browser;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(HeadlessChromium.installed(), "ChromiumCompressionIT needs " + HeadlessChromium.DRIVER + " and "
                + HeadlessChromium.BROWSER + " (Debian: apt-get install -y chromium chromium-driver); skipped");
        dir = new SocketDir();
        Files.createDirectories(dir.resolve("www"));
        Files.writeString(dir.resolve("www/index.html"), "<!doctype html><title>compression</title>");
        echo = BackendProcess.unix(dir.resolve("echo.sock"), "echo");
        sluice = RunningSluice.start(dir.path(), """
                server: { bind: 127.0.0.1, port: 0, document-root: www }
                wstunnel:
                  ping-interval: 0
                  server:
                    "/text": { compression: true, hosts: [ { socket: echo.sock } ] }
                    "/binary": { compression: true, frame-type: binary, hosts: [ { socket: echo.sock } ] }
                    "/plain": [ { socket: echo.sock } ]
                """);
        browser = new HeadlessChromium(dir.resolve("chromium-profile"));
        browser.driver().manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        browser.driver().get("http://127.0.0.1:" + sluice.address().getPort() + "/index.html");
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            try {
                if (sluice != null) {
                    sluice.close();
                }
            } finally {
                if (echo != null) {
                    echo.close();
                }
                if (dir != null) {
                    dir.close();
                }
            }
        }
    }

    @Test
    void chromiumNegotiatesAndEchoesAreByteExact() {
        Map<String, Object> text = probe("/text", "text", 200_000);
        assertThat(text).containsEntry("ext", "permessage-deflate").containsEntry("same", true);
        Map<String, Object> binary = probe("/binary", "random", 500_000);
        assertThat(binary).containsEntry("ext", "permessage-deflate").containsEntry("same", true);
        Map<String, Object> zeros = probe("/binary", "zeros", 900_000);
        assertThat(zeros).containsEntry("same", true);
        Map<String, Object> plain = probe("/plain", "text", 1000);
        assertThat(plain).containsEntry("ext", "").containsEntry("same", true);
    }

    @Test
    void aBombFromTheBrowserEndsWith1009WithinTheBound() {
        Map<String, Object> bomb = probe("/binary", "zeros", 10 * 1024 * 1024);
        assertThat(bomb).containsEntry("ext", "permessage-deflate").containsEntry("code", 1009L);
        assertThat((Long) bomb.get("bytes")).isLessThanOrEqualTo((1 << 20) + 64 * 1024);
        assertThat(sluice.server().stats().peakPendingBytes()).isLessThanOrEqualTo(BOUND);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> probe(String path, String kind, int size) {
        WebDriver page = browser.driver();
        String url = "ws://127.0.0.1:" + sluice.address().getPort() + path;
        return (Map<String, Object>) ((JavascriptExecutor) page).executeAsyncScript(ECHO, url, kind, size);
    }
}
