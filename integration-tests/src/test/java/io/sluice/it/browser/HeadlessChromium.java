package io.sluice.it.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The system's headless Chromium driven through the system's chromedriver ({@code apt-get install chromium
 * chromium-driver}); nothing is downloaded, Selenium Manager stays offline. Closing quits the browser and stops the
 * driver. Not thread-safe: one test thread drives it.
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    public static final Path BROWSER = Path.of("/usr/bin/chromium");

    private final ChromeDriverService service;
    private final ChromeDriver driver;

    /** Starts a browser with a fresh profile in {@code profile} (a folder that does not exist yet or is empty). */
    public HeadlessChromium(Path profile) throws IOException {
        this(profile, new String[0]);
    }

    /** As {@link #HeadlessChromium(Path)}, with more switches (e.g. {@code --ignore-certificate-errors}). */
    public HeadlessChromium(Path profile, String... extraArguments) throws IOException {
        // Both paths are explicit, so Selenium has nothing to look up; offline makes sure it never tries to fetch.
        System.setProperty("SE_OFFLINE", "true");
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, DRIVER.toString());
        Files.createDirectories(profile);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1000,1000", "--user-data-dir=" + profile);
        options.addArguments(extraArguments);
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(30))
                .build();
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        }
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    /** True when the driver and the browser are installed where this class looks for them. */
    public static boolean installed() {
        return Files.isExecutable(DRIVER) && Files.isExecutable(BROWSER);
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Writes a PNG of the visible page to {@code file}. */
    public void screenshot(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }
}
