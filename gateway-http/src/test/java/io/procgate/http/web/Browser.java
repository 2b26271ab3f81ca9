package io.procgate.http.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Headless Chromium driven by Selenium, with Debian's {@code chromium} and {@code chromium-driver}
 * (Selenium's own driver download cannot reach the network here). Where they are not installed,
 * {@link #start()} skips the test with the reason, as a JUnit assumption.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Where every test leaves its screenshots. */
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /** A desktop operator's window: the screenshots in docs/ are taken at this size. */
    private static final String WINDOW = "--window-size=1400,860";

    private final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    static Browser start() {
        assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "no browser: " + CHROMIUM + " and " + CHROMEDRIVER
                        + " are needed (apt-get install chromium chromium-driver; .ci/setup.d/30-browser.sh does it)");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", WINDOW);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        return new Browser(driver);
    }

    ChromeDriver driver() {
        return driver;
    }

    @SuppressWarnings("unchecked")
    <T> T js(String script, Object... args) {
        return (T) ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Saves what the window shows as target/screenshots/NAME.png. */
    Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path shot = SCREENSHOTS.resolve(name + ".png");
        Path taken = driver.getScreenshotAs(OutputType.FILE).toPath();
        Files.move(taken, shot, StandardCopyOption.REPLACE_EXISTING);
        return shot;
    }

    /**
     * What the page logged since the last call that a strict CSP or a script error would cause:
     * a refused inline script or style, an uncaught exception.
     */
    private List<String> scriptProblems() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(LogEntry::getMessage)
                .filter(m ->
                        m.contains("Content Security Policy") || m.contains("Uncaught") || m.contains("Refused to"))
                .toList();
    }

    /** Fails when the page logged a CSP refusal or a script error since the last look. */
    void assertNoScriptProblems() {
        assertThat(scriptProblems())
                .as("CSP refusals or script errors in the page")
                .isEmpty();
    }

    /** A clean slate between tests: no cookie, no stored input history. */
    void forget(String base) {
        driver.get(base + "/static/app.css");
        driver.manage().deleteAllCookies();
        js("localStorage.clear(); sessionStorage.clear();");
    }

    @Override
    public void close() {
        driver.quit();
    }
}
