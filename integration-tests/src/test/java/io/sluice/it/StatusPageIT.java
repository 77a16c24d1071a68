package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.it.browser.HeadlessChromium;
import io.sluice.it.client.JdkWsClient;
import io.sluice.it.harness.AdminEndpoint;
import io.sluice.it.harness.SluiceProcess;
import io.sluice.it.harness.SocketDir;
import io.sluice.it.harness.Workers;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The live page /status.html of the runnable jar in headless Chromium: it asks for the token, then shows the worker
 * with its pid and an open session, and after the test kills the worker it shows the restart (a new pid, one
 * restart) and the exit as an event, without a reload.
 */
class StatusPageIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path REPO = Path.of(System.getProperty("sluice.repo.root", "..")).toAbsolutePath().normalize();
    private static final String TOKEN = "page-token-0123456789abcdef";

    private SocketDir dir;
    private final Workers workers = new Workers();
    private SluiceProcess sluice;
    private HeadlessChromium browser;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(HeadlessChromium.installed(), "StatusPageIT needs " + HeadlessChromium.DRIVER
                + " (Debian: apt-get install -y chromium chromium-driver; .ci/run installs them); skipped");
        dir = new SocketDir();
        Files.writeString(dir.resolve("admin.token"), TOKEN);
        Path config = dir.resolve("sluice.yaml");
        Files.writeString(config, """
                server: { bind: 127.0.0.1, port: 0, runtime-dir: %s }
                admin: { bind: 127.0.0.1, port: 0, token: admin.token }
                wstunnel:
                  frame-type: binary
                  ping-interval: 0
                  server:
                    "/w":
                      - bin-path: %s
                        min-procs: 1
                        max-procs: 1
                """.formatted(dir.resolve("run"), workers.binPath("echo")));
        sluice = SluiceProcess.start(List.of(), "run", "-c", config.toString());
        browser = new HeadlessChromium(dir.resolve("chromium-profile"));
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
                workers.killAll();
                if (dir != null) {
                    dir.close();
                }
            }
        }
    }

    @Test
    void pageShowsTheWorkerItsSessionAndItsRestartLive() throws Exception {
        int port = sluice.awaitListening();
        AdminEndpoint admin = AdminEndpoint.of(sluice, TOKEN);
        await().atMost(WAIT).until(() -> admin.get("/readyz").statusCode() == 200);
        long pid = workers.pids().get(0);
        WebDriver page = browser.driver();

        page.get(admin.url("/status.html"));
        assertThat(page.getTitle()).isEqualTo("Sluice status");
        new WebDriverWait(page, WAIT).until(d -> d.findElement(By.id("token-form")).isDisplayed());
        page.findElement(By.id("token")).sendKeys(TOKEN);
        page.findElement(By.cssSelector("#token-form button")).click();
        awaitWorker(page, "running", pid);
        assertThat(page.findElement(By.id("ready")).getText()).isEqualTo("ready");

        try (JdkWsClient client = JdkWsClient.connect(URI.create("ws://127.0.0.1:" + port + "/w"))) {
            client.sendBinary(new byte[10]);
            new WebDriverWait(page, WAIT).until(d -> texts(d, "#sessions-now").equals(List.of("1")));
            new WebDriverWait(page, WAIT).until(d -> texts(d, "#routes tr[data-route='/w'] td.open")
                    .equals(List.of("1")));

            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            await().atMost(WAIT).until(() -> workers.pids().size() == 1 && workers.pids().get(0) != pid);
        }
        long restarted = workers.pids().get(0);
        awaitWorker(page, "running", restarted);
        List<String> row = workerRows(page).get(0);
        assertThat(row.get(RESTARTS)).isEqualTo("1");
        assertThat(row.get(LAST_EXIT)).startsWith("killed by SIGKILL (pid " + pid);
        new WebDriverWait(page, WAIT).until(d -> texts(d, "#events li").stream()
                .anyMatch(line -> line.contains("pid " + pid + " ended: killed by SIGKILL")));
        browser.screenshot(REPO.resolve("integration-tests/target/status-page.png"));
    }

    private static final int STATE = 4;
    private static final int PID = 5;
    private static final int RESTARTS = 8;
    private static final int LAST_EXIT = 9;

    private static void awaitWorker(WebDriver page, String state, long pid) {
        new WebDriverWait(page, WAIT).withMessage(() -> "worker %s pid %d; rows: %s".formatted(state, pid,
                        workerRows(page)))
                .until(d -> workerRows(d).stream().anyMatch(row -> row.get(STATE).equals(state)
                        && row.get(PID).equals(Long.toString(pid))));
    }

    /** The workers table's cells, read in one script: the page rebuilds its rows every second. */
    @SuppressWarnings("unchecked")
    private static List<List<String>> workerRows(WebDriver page) {
        return (List<List<String>>) ((JavascriptExecutor) page).executeScript("return [...document.querySelectorAll("
                + "'#workers tbody tr')].map(r => [...r.cells].map(c => c.textContent));");
    }

    @SuppressWarnings("unchecked")
    private static List<String> texts(WebDriver page, String selector) {
        return (List<String>) ((JavascriptExecutor) page).executeScript(
                "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent);", selector);
    }
}
