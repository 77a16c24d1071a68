package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.it.browser.HeadlessChromium;
import io.sluice.it.harness.SluiceProcess;
import io.sluice.it.harness.SocketDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The bundled demo as a user meets it: the real {@code docs/examples/demo.yaml} run by the runnable jar, which spawns
 * the example Java backends, and the demo page driven in headless Chromium. Only the port (0) and the relative paths
 * (made absolute) of the copied config differ from the file users run.
 */
class DemoPageIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path REPO = Path.of(System.getProperty("sluice.repo.root", "..")).toAbsolutePath().normalize();
    private static final Path EXAMPLES = REPO.resolve("docs/examples");

    private SocketDir dir;
    private SluiceProcess sluice;
    private HeadlessChromium browser;

    @BeforeEach
    void startDemoAndBrowser() throws Exception {
        assumeTrue(Files.isExecutable(HeadlessChromium.DRIVER), "DemoPageIT needs " + HeadlessChromium.DRIVER
                + " (Debian: apt-get install -y chromium chromium-driver; .ci/run installs them); skipped");
        dir = new SocketDir();
        Path config = dir.resolve("demo.yaml");
        Files.writeString(config, withFreePortAndAbsolutePaths(Files.readString(EXAMPLES.resolve("demo.yaml"))));
        sluice = SluiceProcess.start(List.of(), "run", "-c", config.toString());
        sluice.awaitListening();
        browser = new HeadlessChromium(dir.resolve("chromium-profile"));
    }

    @AfterEach
    void stopEverything() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            try {
                if (sluice != null) {
                    List<ProcessHandle> children = sluice.process().descendants().toList();
                    sluice.close();
                    children.forEach(ProcessHandle::destroyForcibly);  // only when the test failed before its check
                }
            } finally {
                if (dir != null) {
                    dir.close();
                }
            }
        }
    }

    @Test
    void pageTalksToTheSpawnedUpperAndEchoBackendsAndNothingOutlivesSluice() throws Exception {
        WebDriver page = browser.driver();
        page.get("http://127.0.0.1:" + sluice.awaitListening() + "/");
        assertThat(page.getTitle()).isEqualTo("Sluice demo");

        // /upper: a line typed and sent with Enter comes back upper-cased from the spawned UpperBackend.java.
        new Select(page.findElement(By.id("route"))).selectByValue("/upper");
        awaitOpen(page, "/upper");
        page.findElement(By.id("message")).sendKeys("hello sluice" + Keys.ENTER);
        awaitReceived(page, "HELLO SLUICE");

        // /echo: switching the route reconnects (the old session ends with 1000); UTF-8 comes back unchanged.
        new Select(page.findElement(By.id("route"))).selectByValue("/echo");
        awaitOpen(page, "/echo");
        awaitLogLine(page, "#log li.info", "/upper closed with code 1000");
        typeInto(page, page.findElement(By.id("message")), "grüße 😀");
        page.findElement(By.id("send")).click();
        awaitReceived(page, "grüße 😀");
        assertThat(texts(page, "#log li.sent")).containsExactly("hello sluice", "grüße 😀");

        browser.screenshot(REPO.resolve("integration-tests/target/demo-page.png"));

        // The workers are Sluice's children; a graceful stop takes them all down.
        List<ProcessHandle> workers = sluice.process().descendants().toList();
        assertThat(workers).isNotEmpty();
        sluice.terminate();
        assertThat(sluice.awaitExit(WAIT)).isEqualTo(0);
        await().atMost(WAIT).until(() -> workers.stream().noneMatch(ProcessHandle::isAlive));
    }

    /** The demo config with port 0 and its folders absolute, so it runs from a temp folder on a busy machine. */
    static String withFreePortAndAbsolutePaths(String yaml) {
        String out = replace(yaml, "(?m)^(\\s+port:\\s+)8080\\b", "0", 1);
        out = replace(out, "(?m)^(\\s+document-root:\\s+)demo\\b", quoted(EXAMPLES.resolve("demo")), 1);
        return replace(out, "(?m)^(\\s+cwd:\\s+)backends\\b", quoted(EXAMPLES.resolve("backends")), 2);
    }

    private static String replace(String text, String regex, String value, int expected) {
        Matcher m = Pattern.compile(regex).matcher(text);
        StringBuilder out = new StringBuilder();
        int count = 0;
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + value));
            count++;
        }
        m.appendTail(out);
        assertThat(count).as("lines matching %s in demo.yaml", regex).isEqualTo(expected);
        return out.toString();
    }

    private static String quoted(Path path) {
        return "\"" + path.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void awaitOpen(WebDriver page, String route) {
        new WebDriverWait(page, WAIT).until(d -> {
            WebElement status = d.findElement(By.id("status"));
            return "open".equals(status.getAttribute("data-state")) && status.getText().contains(route);
        });
    }

    private static void awaitReceived(WebDriver page, String text) {
        awaitLogLine(page, "#log li.received", text);
    }

    private static void awaitLogLine(WebDriver page, String selector, String text) {
        new WebDriverWait(page, WAIT)
                .withMessage(() -> "'%s' in %s; log: %s".formatted(text, selector, texts(page, "#log li")))
                .until(d -> texts(d, selector).stream().anyMatch(t -> t.contains(text)));
    }

    private static List<String> texts(WebDriver page, String selector) {
        return page.findElements(By.cssSelector(selector + " .text")).stream().map(WebElement::getText).toList();
    }

    /** sendKeys for BMP text; chromedriver cannot type characters outside it (the emoji), so those are set directly. */
    private static void typeInto(WebDriver page, WebElement input, String text) {
        if (text.codePoints().allMatch(Character::isBmpCodePoint)) {
            input.sendKeys(text);
        } else {
            ((JavascriptExecutor) page).executeScript("arguments[0].value = arguments[1];", input, text);
        }
    }
}
