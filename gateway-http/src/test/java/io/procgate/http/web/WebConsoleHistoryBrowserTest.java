package io.procgate.http.web;

import static io.procgate.http.web.ConsolePage.WAIT;
import static io.procgate.http.web.WebGateway.ALICE;
import static io.procgate.http.web.WebGateway.password;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procgate.host.ProcessState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * A console on a history of a million lines (line n reads "n"): it opens at the end, scrolls up to
 * line 0, follows a deep link, and finds a line far back, with only a screenful of rows in the DOM.
 */
class WebConsoleHistoryBrowserTest {
    private static final long LINES = 1_000_000;
    /** A screen of 860 px shows a few dozen rows; the DOM may hold a few more, never thousands. */
    private static final long MAX_ROWS_IN_DOM = 100;

    @TempDir
    static Path tmp;

    private static WebGateway gateway;
    private static Browser browser;
    private ConsolePage page;

    @BeforeAll
    static void start() {
        browser = Browser.start();
        gateway = WebGateway.start(
                tmp, "big { command = \"seq 0 " + (LINES - 1) + "\", owner = alice, autostart = true }");
        await().atMost(Duration.ofMinutes(2))
                .until(() -> gateway.lines("big") == LINES
                        && gateway.gateway().host().status("big").orElseThrow().state() == ProcessState.EXITED);
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.close();
        if (gateway != null) gateway.close();
    }

    @BeforeEach
    void signIn() {
        browser.forget(gateway.base());
        page = new ConsolePage(browser, gateway.base());
        page.open("").login(ALICE, password(ALICE));
    }

    @AfterEach
    void noScriptProblems() {
        browser.assertNoScriptProblems();
    }

    private static void assertConsecutiveFrom(List<ConsolePage.Row> rows, long first) {
        assertThat(rows)
                .extracting(ConsolePage.Row::n)
                .containsExactlyElementsOf(
                        LongStream.range(first, first + rows.size()).boxed().toList());
        assertThat(rows).allSatisfy(r -> assertThat(r.text()).isEqualTo(Long.toString(r.n())));
    }

    @Test
    void opensAtTheLastLinesAndScrollsUpToLineZero() throws Exception {
        page.openConsole("big");
        List<ConsolePage.Row> end = page.loadedRows();
        assertThat(end.get(end.size() - 1).n()).isEqualTo(LINES - 1);
        assertConsecutiveFrom(end, end.get(0).n());
        assertThat(end).hasSizeGreaterThan(20);
        assertThat(page.rowsInDom()).isLessThan(MAX_ROWS_IN_DOM);
        assertThat(browser.driver().findElement(By.cssSelector(".meta")).getText())
                .contains("1,000,000 lines");
        browser.screenshot("console-million-end");

        page.pressInConsole(Keys.HOME);
        await().atMost(WAIT).untilAsserted(() -> {
            List<ConsolePage.Row> top = page.loadedRows();
            assertThat(top.get(0).n()).isZero();
            assertConsecutiveFrom(top, 0);
        });
        assertThat(page.rowsInDom()).isLessThan(MAX_ROWS_IN_DOM);
        browser.screenshot("console-million-top");

        // and back down a few pages by keyboard: still numbered, still loaded
        page.pressInConsole(Keys.PAGE_DOWN);
        page.pressInConsole(Keys.PAGE_DOWN);
        await().atMost(WAIT).untilAsserted(() -> {
            List<ConsolePage.Row> rows = page.loadedRows();
            assertThat(rows.get(0).n()).isPositive();
            assertConsecutiveFrom(rows, rows.get(0).n());
        });
    }

    @Test
    void aDeepLinkOpensTheConsoleAtThatLine() throws Exception {
        page.open("#/p/big/L1234").awaitLive("big");
        await().atMost(WAIT).untilAsserted(() -> {
            List<ConsolePage.Row> rows = page.loadedRows();
            assertThat(rows).extracting(ConsolePage.Row::n).contains(1234L);
            assertConsecutiveFrom(rows, rows.get(0).n());
        });
        assertThat(page.highlightedLine()).isEqualTo(1234);
        // its line number is the link to share
        assertThat(browser.driver()
                        .findElement(By.cssSelector(".row[data-n='1234'] a.ln"))
                        .getAttribute("href"))
                .endsWith("/#/p/big/L1234");
        browser.screenshot("console-deep-link");
    }

    @Test
    void searchFindsALineFarBackAndJumpsToIt() throws Exception {
        page.openConsole("big");
        // "/" goes to the search box, as in most log viewers
        page.pressInConsole("/");
        WebElement box = browser.driver().switchTo().activeElement();
        assertThat(box.getAttribute("class")).contains("search-input");
        box.sendKeys("123456", Keys.ENTER);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(page.highlightedLine()).isEqualTo(123456);
            List<ConsolePage.Row> rows = page.loadedRows();
            assertThat(rows).extracting(ConsolePage.Row::n).contains(123456L);
            assertConsecutiveFrom(rows, rows.get(0).n());
        });
        assertThat(browser.driver().getCurrentUrl()).endsWith("#/p/big/L123456");
        assertThat(browser.driver().findElements(By.cssSelector(".results .hit")))
                .extracting(e -> e.getAttribute("data-n"))
                .containsExactly("123456");
        browser.screenshot("console-search");
        box.sendKeys(Keys.ESCAPE);
        assertThat(browser.driver().findElement(By.cssSelector(".results")).isDisplayed())
                .isFalse();
        assertThat(page.highlightedLine()).isEqualTo(123456);
    }
}
