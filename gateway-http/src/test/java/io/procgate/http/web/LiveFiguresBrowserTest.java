package io.procgate.http.web;

import static io.procgate.http.web.ConsolePage.WAIT;
import static io.procgate.http.web.WebGateway.ALICE;
import static io.procgate.http.web.WebGateway.password;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procgate.host.limits.Cgroups;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live figures, the next scheduled run and a memory-limit kill as the web console shows them. */
class LiveFiguresBrowserTest {
    @TempDir
    static Path tmp;

    private static WebGateway gateway;
    private static Browser browser;

    @BeforeAll
    static void start() {
        browser = Browser.start();
        gateway = WebGateway.start(
                tmp,
                "survival { command = cat, owner = alice, autostart = true,"
                        + " schedules = [ { cron = \"0 4 * * *\", action = restart,"
                        + " warn = [ { before = 5m, command = \"say Restart in 5 minutes\" } ] } ] }\n"
                        + "leak { owner = alice, autostart = true, limits { memory = 64 MiB },"
                        + " command = \"perl -e '$x = q(a); $x x= 200*1024*1024; sleep 60'\" }\n");
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.close();
        if (gateway != null) gateway.close();
    }

    @AfterEach
    void noScriptProblems() {
        browser.assertNoScriptProblems();
    }

    @Test
    void theConsoleShowsTheFiguresAndTheNextRunAndTheListWhyAProcessWasKilled() throws Exception {
        browser.forget(gateway.base());
        ConsolePage page = new ConsolePage(browser, gateway.base());
        page.open("").login(ALICE, password(ALICE));
        if (Cgroups.detect().offersAll()) { // where a memory limit can be applied
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(exitCell("leak")).isEqualTo("signal SIGKILL (memory limit)"));
        }
        page.openConsole("survival");
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(text(".console-view .stats"))
                        .matches("CPU \\d+\\.\\d\\d · RSS .+ · 1 threads · up .+"));
        assertThat(text(".console-view .meta")).contains("next restart ");
        browser.screenshot("console-live-figures");
    }

    private static String text(String selector) {
        return browser.js("const e = document.querySelector(arguments[0]); return e ? e.textContent : '';", selector);
    }

    /** The exit column of a process in the list (the list must be shown). */
    private static String exitCell(String name) {
        return browser.js(
                "const r = document.querySelector(\"table.processes tr[data-name='\" + arguments[0] + \"']\");"
                        + " return r ? r.children[" + EXIT_COLUMN + "].textContent : '';",
                name);
    }

    private static final int EXIT_COLUMN = 6;
}
