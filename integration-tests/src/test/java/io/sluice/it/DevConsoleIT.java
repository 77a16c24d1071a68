package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.it.browser.HeadlessChromium;
import io.sluice.it.harness.BackendProcess;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code dev-console: true} as a person uses it: the page a plain GET of the route's path returns, in headless
 * Chromium, with a message typed and its reply read back, on a {@code framing: lines} route (a line program that
 * numbers lines) and on a {@code framing: stream} route (an echo, the page adding the newline).
 */
class DevConsoleIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private SocketDir dir;
    private BackendProcess lines;
    private BackendProcess echo;
    private RunningSluice sluice;
    private HeadlessChromium browser;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(HeadlessChromium.installed(), "DevConsoleIT needs " + HeadlessChromium.DRIVER + " and "
                + HeadlessChromium.BROWSER + " (Debian: apt-get install -y chromium chromium-driver); skipped");
        dir = new SocketDir();
        lines = BackendProcess.unix(dir.resolve("lines.sock"), "number-lines");
        echo = BackendProcess.unix(dir.resolve("echo.sock"), "echo");
        sluice = RunningSluice.start(dir.path(), """
                server: { bind: 127.0.0.1, port: 0 }
                wstunnel:
                  server:
                    "/numbered/":
                      framing: lines
                      dev-console: true
                      hosts: [ { socket: lines.sock } ]
                    "/echo/":
                      dev-console: true
                      hosts: [ { socket: echo.sock } ]
                """);
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
                for (BackendProcess backend : new BackendProcess[] {lines, echo}) {
                    if (backend != null) {
                        backend.close();
                    }
                }
                if (dir != null) {
                    dir.close();
                }
            }
        }
    }

    @Test
    void aTypedMessageGoesToTheBackendAndItsReplyShowsUp() throws Exception {
        WebDriver page = browser.driver();
        page.get("http://127.0.0.1:" + sluice.address().getPort() + "/numbered/room");
        assertThat(page.getTitle()).isEqualTo("Sluice dev console: /numbered/");
        awaitOpen(page);

        page.findElement(By.id("message")).sendKeys("hello console" + Keys.ENTER);
        awaitLogLine(page, "#log li.received", "1 hello console");
        page.findElement(By.id("message")).sendKeys("grüße");
        page.findElement(By.id("send")).click();
        awaitLogLine(page, "#log li.received", "2 grüße");
        assertThat(texts(page, "#log li.sent")).containsExactly("hello console", "grüße");
        assertThat(page.findElement(By.id("newline")).isDisplayed()).as("lines: Sluice adds the newline").isFalse();
        browser.screenshot(Path.of("target/dev-console.png"));

        page.get("http://127.0.0.1:" + sluice.address().getPort() + "/echo/");
        awaitOpen(page);
        assertThat(page.findElement(By.id("newline")).isSelected()).as("stream: the page adds it").isTrue();
        page.findElement(By.id("message")).sendKeys("echo me" + Keys.ENTER);
        awaitLogLine(page, "#log li.received", "echo me");
    }

    private static void awaitOpen(WebDriver page) {
        new WebDriverWait(page, WAIT).until(d -> "open".equals(d.findElement(By.id("status"))
                .getAttribute("data-state")));
    }

    private static void awaitLogLine(WebDriver page, String selector, String text) {
        new WebDriverWait(page, WAIT)
                .withMessage(() -> "'%s' in %s; log: %s".formatted(text, selector, texts(page, "#log li")))
                .until(d -> texts(d, selector).stream().anyMatch(t -> t.equals(text)));
    }

    private static List<String> texts(WebDriver page, String selector) {
        return page.findElements(By.cssSelector(selector + " .text")).stream().map(WebElement::getText).toList();
    }
}
