package io.procgate.http.web;

import static io.procgate.http.web.ConsolePage.WAIT;
import static io.procgate.http.web.WebGateway.ALICE;
import static io.procgate.http.web.WebGateway.password;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procgate.core.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * What happens between the page and the gateway when things go wrong: the console falls behind a
 * flood (a {@code missed} gap, then filled), and the gateway stops and comes back (the page says
 * so, reconnects by itself and resumes with no line lost or shown twice).
 */
class WebConsoleResumeBrowserTest {
    /** Lines of the flood: ~25 MB, far more than the 1 MiB a console may queue plus every socket buffer. */
    private static final int FLOOD = 300_000;

    private static final Pattern RECONNECTING =
            Pattern.compile("Disconnected \\(connection lost\\)\\. Reconnecting in ([0-9.]+) s; .*");
    private static final Pattern LINE_TEXT = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    @TempDir
    Path tmp;

    private WebGateway gateway;
    private Browser browser;
    private ConsolePage page;

    @BeforeEach
    void start() throws Exception {
        browser = Browser.start();
        Path clock = tmp.resolve("clock.sh");
        Files.writeString(clock, "i=0; while :; do echo \"beat $i\"; i=$((i+1)); sleep 0.05; done\n");
        Path flood = tmp.resolve("flood.sh");
        Files.writeString(
                flood,
                "while read l; do awk -v n=" + FLOOD
                        + " 'BEGIN { for (i = 0; i < n; i++) printf \"flood %07d %s\\n\", i,"
                        + " \"................................................................\" }'; done\n");
        gateway = WebGateway.start(
                tmp,
                ""
                        + "clock { command = \"sh " + clock + "\", owner = alice, autostart = true }\n"
                        + "flood { command = \"sh " + flood + "\", owner = alice, autostart = true }\n",
                FreePorts.belowEphemeralRange());
        page = new ConsolePage(browser, gateway.base());
    }

    @AfterEach
    void stop() {
        if (browser == null) {
            return; // no browser here: the test was skipped, saying why
        }
        try {
            browser.assertNoScriptProblems();
        } finally {
            browser.close();
            if (gateway != null) gateway.close();
        }
    }

    /** Lines from..from+count-1 as GET /lines gives them (plain texts without quotes here). */
    private static List<String> texts(WebGateway.Api api, String process, long from, int count) throws Exception {
        String body = api.get("/api/processes/" + process + "/lines?from=" + from + "&limit=" + count)
                .body();
        String array = body.substring(body.indexOf("\"lines\""));
        array = array.substring(array.indexOf('[') + 1, array.indexOf(']'));
        List<String> out = new ArrayList<>();
        Matcher m = LINE_TEXT.matcher(array);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    private static void assertShowsExactly(List<ConsolePage.Row> rows, List<String> expected, long first) {
        assertThat(rows)
                .extracting(ConsolePage.Row::n)
                .containsExactlyElementsOf(
                        LongStream.range(first, first + rows.size()).boxed().toList());
        for (ConsolePage.Row r : rows) {
            assertThat(r.text()).as("line %d", r.n()).isEqualTo(expected.get((int) (r.n() - first)));
        }
    }

    private long lastShown() {
        return page.visibleRows().stream().mapToLong(ConsolePage.Row::n).max().orElse(-1);
    }

    @Test
    void reconnectsByItselfWithBackoffWhenTheNetworkDrops() throws Exception {
        try (CuttableProxy proxy = new CuttableProxy(FreePorts.belowEphemeralRange(), gateway.address())) {
            page = new ConsolePage(browser, proxy.base());
            page.open("").login(ALICE, password(ALICE)).openConsole("clock");
            await().atMost(WAIT).until(() -> lastShown() > 40);

            proxy.cut();
            await().atMost(WAIT).until(() -> "retrying".equals(page.consoleAttribute("connection")));
            long last = lastShown();
            // it says so, and waits longer after each failed attempt
            WebElement banner = browser.driver().findElement(By.cssSelector(".banner"));
            Set<String> waits = new TreeSet<>();
            await().atMost(WAIT).until(() -> {
                Matcher m = RECONNECTING.matcher(banner.getText());
                if (m.matches()) waits.add(m.group(1));
                return waits.contains("2.0");
            });
            assertThat(waits).contains("0.5", "1.0", "2.0");
            assertThat(banner.getText())
                    .endsWith("the console resumes at line " + String.format(Locale.ROOT, "%,d", last + 1) + ".");
            browser.screenshot("console-disconnected");
            assertThat(lastShown()).isEqualTo(last);

            proxy.restore();
            // the session outlived the drop: no sign-in, the console resumes by itself
            page.awaitLive("clock");
            assertThat(page.loginShown()).isFalse();
            assertThat(page.consoleAttribute("wsFrom")).isEqualTo(Long.toString(last + 1));
            await().atMost(WAIT).until(() -> !banner.isDisplayed());
            await().atMost(WAIT).until(() -> lastShown() > last + 40);
            assertAroundShownOnceInOrder(last);
        }
    }

    @Test
    void resumesAfterTheGatewayRestartsWithNoLineLostOrRepeated() throws Exception {
        page.open("").login(ALICE, password(ALICE)).openConsole("clock");
        await().atMost(WAIT).until(() -> lastShown() > 40);

        gateway.stop();
        // the page says so: the connection is gone, and so is the session (sessions live in the
        // gateway's memory, which the console finds out when it asks while the gateway stops)
        await().atMost(WAIT)
                .until(() -> Set.of("retrying", "session-ended").contains(page.consoleAttribute("connection")));
        WebElement banner = browser.driver().findElement(By.cssSelector(".banner"));
        assertThat(banner.getText())
                .matches(
                        "Disconnected \\(connection lost\\)\\. Reconnecting in .*|Your session ended\\. Sign in again to resume\\.");
        long last = lastShown();
        browser.screenshot("console-gateway-stopped");

        gateway.start();
        await().atMost(WAIT).until(page::loginShown);
        browser.screenshot("console-sign-in-again");
        assertThat(lastShown()).isEqualTo(last);
        page.login(ALICE, password(ALICE));
        page.awaitLive("clock");
        assertThat(page.consoleAttribute("wsFrom")).isEqualTo(Long.toString(last + 1));
        await().atMost(WAIT).until(() -> !banner.isDisplayed());
        await().atMost(WAIT).until(() -> lastShown() > last + 40);
        browser.screenshot("console-resumed");
        assertAroundShownOnceInOrder(last);
    }

    /** The lines around {@code last}, the last one shown before the drop: each once, in order, as the history has them. */
    private void assertAroundShownOnceInOrder(long last) throws Exception {
        page.open("#/p/clock/L" + last).awaitLive("clock");
        WebGateway.Api api = gateway.login(ALICE);
        await().atMost(WAIT).untilAsserted(() -> {
            List<ConsolePage.Row> rows = page.loadedRows();
            assertThat(rows).extracting(ConsolePage.Row::n).contains(last, last + 1);
            long first = rows.get(0).n();
            assertShowsExactly(rows, texts(api, "clock", first, rows.size()), first);
        });
        assertThat(browser.driver().findElements(By.cssSelector(".row.gap"))).isEmpty();
    }

    @Test
    void aConsoleThatFellBehindShowsTheGapAndFillsIt() throws Exception {
        page.open("").login(ALICE, password(ALICE)).openConsole("flood");
        long before = gateway.lines("flood");
        gateway.login(ALICE).input("flood", "go");
        // the page's script is held up (as on a slow machine) until the whole flood is in the
        // history: meanwhile the browser reads nothing, and the gateway's queue for it overflows
        browser.js(
                "const until = Date.now() + 50000; const x = new XMLHttpRequest();"
                        + " while (Date.now() < until) {"
                        + "   x.open('GET', '/api/processes/flood', false); x.send();"
                        + "   if (JSON.parse(x.responseText).lines >= arguments[0]) break; }",
                before + FLOOD);
        WebElement gaps = await().atMost(WAIT)
                .ignoreExceptions()
                .until(() -> browser.driver().findElement(By.cssSelector("button.gaps")), WebElement::isDisplayed);
        assertThat(gaps.getText()).matches("⚠ [0-9,]+ lines? not received");
        // the page has heard of every line of the flood, received or not
        String count = String.format(Locale.ROOT, "%,d lines", before + FLOOD);
        await().atMost(WAIT)
                .until(() -> browser.driver()
                        .findElement(By.cssSelector(".meta"))
                        .getText()
                        .endsWith(count));
        gaps.click();
        WebElement gap = await().atMost(WAIT)
                .ignoreExceptions()
                .until(() -> browser.driver().findElement(By.cssSelector(".row.gap-missed")), WebElement::isDisplayed);
        long from = Long.parseLong(gap.getAttribute("data-gap-from"));
        long to = Long.parseLong(gap.getAttribute("data-gap-to"));
        assertThat(from).isBetween(before, before + FLOOD - 1);
        assertThat(to).isGreaterThan(from).isLessThanOrEqualTo(before + FLOOD);
        assertThat(gap.getText()).contains("not received").contains("Load them");
        browser.screenshot("console-missed-gap");

        gap.findElement(By.cssSelector("button.gap-load")).click();
        WebGateway.Api api = gateway.login(ALICE);
        await().atMost(WAIT).untilAsserted(() -> {
            List<ConsolePage.Row> rows = page.loadedRows();
            assertThat(rows).extracting(ConsolePage.Row::n).contains(from);
            long first = rows.get(0).n();
            assertShowsExactly(rows, texts(api, "flood", first, rows.size()), first);
        });
        assertThat(browser.driver().findElements(By.cssSelector(".row.gap-missed[data-gap-from='" + from + "']")))
                .isEmpty();
        browser.screenshot("console-gap-filled");
    }
}
