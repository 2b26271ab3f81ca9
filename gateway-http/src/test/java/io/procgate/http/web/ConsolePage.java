package io.procgate.http.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/** What a person does and sees on the web console page, in the words of the page's elements. */
final class ConsolePage {
    static final Duration WAIT = Duration.ofSeconds(30);

    /** One console row on screen: its line number and its text as shown. */
    record Row(long n, String text, boolean pending) {}

    private final Browser browser;
    private final ChromeDriver driver;
    private final String base;

    ConsolePage(Browser browser, String base) {
        this.browser = browser;
        this.driver = browser.driver();
        this.base = base;
    }

    /** Opens {@code /#HASH} in the address bar, as a person following a link does. */
    ConsolePage open(String hash) {
        driver.get(base + "/" + hash);
        return this;
    }

    /** Fills in and sends the sign-in form, then waits for the user's name in the header. */
    ConsolePage login(String user, String password) {
        WebElement name = await().atMost(WAIT)
                .ignoreExceptions()
                .until(() -> driver.findElement(By.id("login-user")), WebElement::isDisplayed);
        name.clear();
        name.sendKeys(user);
        driver.findElement(By.id("login-password")).sendKeys(password);
        driver.findElement(By.cssSelector(".login-card button[type=submit]")).click();
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(driver.findElement(By.cssSelector("#who .user")).getText())
                    .isEqualTo(user);
            assertThat(driver.findElement(By.id("overlay")).isDisplayed()).isFalse();
        });
        return this;
    }

    boolean loginShown() {
        return !driver.findElements(By.cssSelector("#overlay #login-user")).isEmpty()
                && driver.findElement(By.id("overlay")).isDisplayed();
    }

    /** The process list as shown: name to state. */
    Map<String, String> processes() {
        return browser.js("const m = {};"
                + "document.querySelectorAll('table.processes tbody tr').forEach(r => m[r.dataset.name] = r.dataset.state);"
                + "return m;");
    }

    /** Opens a console by clicking its name in the list, and waits until it is live. */
    ConsolePage openConsole(String name) {
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            driver.findElement(By.cssSelector("tr[data-name='" + name + "'] td.name a"))
                    .click();
            return true;
        });
        return awaitLive(name);
    }

    ConsolePage awaitLive(String name) {
        await().atMost(WAIT)
                .until(() -> "live".equals(consoleAttribute("connection")) && name.equals(consoleAttribute("process")));
        return this;
    }

    /** A data attribute of the console view: process, state, connection, wsFrom. */
    String consoleAttribute(String key) {
        return browser.js(
                "const c = document.querySelector('.console-view');"
                        + " return c ? (c.dataset[arguments[0]] || null) : null;",
                key);
    }

    /** The rows whose box is inside the console's viewport, top to bottom. */
    List<Row> visibleRows() {
        List<List<Object>> raw = browser.js(
                "const vp = document.querySelector('.viewport');"
                        + " if (!vp) return [];"
                        + " const box = vp.getBoundingClientRect();"
                        + " return [...vp.querySelectorAll('.row[data-n]')].filter(r => {"
                        + "   const b = r.getBoundingClientRect(); return b.top >= box.top - 1 && b.bottom <= box.bottom + 1; })"
                        + "  .map(r => [Number(r.dataset.n), r.querySelector('.tx').textContent, r.classList.contains('pending')]);");
        return raw.stream()
                .map(r -> new Row(((Number) r.get(0)).longValue(), (String) r.get(1), (Boolean) r.get(2)))
                .toList();
    }

    /** Waits until every row on screen has its text, and returns them. */
    List<Row> loadedRows() {
        return await().atMost(WAIT)
                .until(
                        this::visibleRows,
                        rows -> !rows.isEmpty() && rows.stream().noneMatch(Row::pending));
    }

    /** How many console rows exist in the DOM at all (virtualised: about a screenful). */
    long rowsInDom() {
        return browser.<Number>js("return document.querySelectorAll('.viewport .row').length;")
                .longValue();
    }

    /**
     * Heights in px of what the console screen is made of: the page header, the console header,
     * the toolbar, the output and the input line, and the window's; a broken stylesheet shows here.
     */
    Map<String, Long> layout() {
        return browser.js("const h = s => Math.round(document.querySelector(s).getBoundingClientRect().height);"
                + " return {top: h('.top'), head: h('.console-head'), toolbar: h('.toolbar'),"
                + "  output: h('.viewport'), input: h('.input-line'), window: window.innerHeight};");
    }

    long highlightedLine() {
        Number n = browser.js("const t = document.querySelector('.row.target');"
                + " return t && t.dataset.n ? Number(t.dataset.n) : -1;");
        return n.longValue();
    }

    WebElement viewport() {
        return driver.findElement(By.cssSelector(".viewport"));
    }

    /** Presses a key with the console output focused (Home, End, Page Up...). */
    void pressInConsole(CharSequence key) {
        viewport().click();
        viewport().sendKeys(key);
    }

    void search(String text) {
        WebElement box = driver.findElement(By.cssSelector(".search-input"));
        box.clear();
        box.sendKeys(text, Keys.ENTER);
    }

    WebElement commandInput() {
        return driver.findElement(By.cssSelector("input.command"));
    }

    void send(String command) {
        WebElement input = commandInput();
        await().atMost(WAIT).until(input::isEnabled);
        input.sendKeys(command, Keys.ENTER);
    }

    /** The action buttons offered in the console header, in order (start, stop, restart, kill). */
    List<String> actions() {
        return driver.findElements(By.cssSelector(".actions button")).stream()
                .map(b -> b.getAttribute("data-action"))
                .toList();
    }

    void act(String action) {
        driver.findElement(By.cssSelector(".actions button[data-action='" + action + "']"))
                .click();
    }
}
