package io.procgate.http.web;

import static io.procgate.http.web.ConsolePage.WAIT;
import static io.procgate.http.web.WebGateway.ADMIN;
import static io.procgate.http.web.WebGateway.ALICE;
import static io.procgate.http.web.WebGateway.BOB;
import static io.procgate.http.web.WebGateway.password;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;

/**
 * The web console in headless Chromium against a real gateway over loopback: signing in, the live
 * process list, the action buttons, the input line, what a user may see, and hostile output.
 */
class WebConsoleBrowserTest {
    private static final String HOSTILE = "printf '%s\\n' '<img src=x onerror=alert(1)>'\n"
            + "printf '%s\\n' '<script>document.title=\"pwned\"</script>'\n"
            + "printf '\\033[1;31mred bold\\033[0m and \\033[32mgreen\\033[0m\\033[2K\\033]0;window title\\007 end\\n'\n"
            + "printf '\\033[38;5;208morange\\033[0m \\033[48;2;10;20;30mtrue colour\\033[0m\\n'\n"
            + "exec cat\n";
    /** A stand-in for a Minecraft server: its log lines (with colours) and a few of its commands. */
    private static final String SURVIVAL =
            "info() { printf '[12:00:%s] [Server thread/\\033[36mINFO\\033[0m]: %s\\n' \"$1\" \"$2\"; }\n"
                    + "info 01 'Starting minecraft server version 1.21.4'\n"
                    + "info 01 'Loading properties'\n"
                    + "info 01 'Default game type: SURVIVAL'\n"
                    + "info 02 'Starting Minecraft server on *:25565'\n"
                    + "info 03 'Preparing level \"world\"'\n"
                    + "for p in 12 38 64 87 100; do info 05 \"Preparing spawn area: $p%\"; done\n"
                    + "printf '[12:00:09] [Server thread/\\033[33mWARN\\033[0m]: \\033[33mCan\\047t keep up! Is the server overloaded?\\033[0m\\n'\n"
                    + "printf '[12:00:09] [Server thread/\\033[36mINFO\\033[0m]: \\033[1;32mDone (7.912s)!\\033[0m For help, type \"help\"\\n'\n"
                    + "info 14 'knoppo joined the game'\n"
                    + "info 15 'alex joined the game'\n"
                    + "printf '[12:00:16] [Server thread/\\033[36mINFO\\033[0m]: <knoppo> anyone up for the nether?\\n'\n"
                    + "while read cmd; do case \"$cmd\" in\n"
                    + "  list) info 20 'There are 2 of a max of 20 players online: knoppo, alex' ;;\n"
                    + "  say\\ *) info 21 \"[Server] ${cmd#say }\" ;;\n"
                    + "  *) printf '[12:00:22] [Server thread/\\033[33mWARN\\033[0m]: Unknown command: %s\\n' \"$cmd\" ;;\n"
                    + "esac; done\n";

    @TempDir
    static Path tmp;

    private static WebGateway gateway;
    private static Browser browser;
    private ConsolePage page;

    @BeforeAll
    static void start() throws Exception {
        browser = Browser.start();
        Path hostile = tmp.resolve("hostile.sh");
        Files.writeString(hostile, HOSTILE);
        Path survival = tmp.resolve("survival.sh");
        Files.writeString(survival, SURVIVAL);
        gateway = WebGateway.start(
                tmp,
                ""
                        + "kag { command = cat, owner = alice, autostart = true }\n"
                        + "survival { command = \"sh " + survival + "\", owner = alice, autostart = true }\n"
                        + "chat-relay { command = \"sh " + hostile + "\", owner = alice, autostart = true }\n"
                        + "creative { command = cat, owner = bob, autostart = true }\n"
                        + "backup { command = \"echo backup done\", owner = admin, autostart = true }\n");
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.close();
        if (gateway != null) gateway.close();
    }

    @BeforeEach
    void freshPage() {
        browser.forget(gateway.base());
        page = new ConsolePage(browser, gateway.base());
    }

    @AfterEach
    void noScriptProblems() {
        browser.assertNoScriptProblems();
    }

    @Test
    void signsInAndSeesItsProcessesChangeStateLive() throws Exception {
        page.open("").login(ALICE, password(ALICE));
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(page.processes())
                        .containsEntry("kag", "running")
                        .containsEntry("survival", "running")
                        .containsEntry("chat-relay", "running")
                        .doesNotContainKeys("creative", "backup"));
        browser.screenshot("process-list-alice");

        // changed from elsewhere (here: an admin's API call), seen without reloading
        WebGateway.Api admin = gateway.login(ADMIN);
        assertThat(admin.post("/api/processes/kag/stop", "{}").statusCode()).isEqualTo(200);
        await().atMost(WAIT).untilAsserted(() -> assertThat(page.processes()).containsEntry("kag", "exited"));
        browser.screenshot("process-list-exited");
        assertThat(admin.post("/api/processes/kag/start", "{}").statusCode()).isEqualTo(200);
        await().atMost(WAIT).untilAsserted(() -> assertThat(page.processes()).containsEntry("kag", "running"));
    }

    @Test
    void anAdminSeesEveryProcess() throws Exception {
        page.open("").login(ADMIN, password(ADMIN));
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(page.processes())
                        .containsOnlyKeys("backup", "chat-relay", "creative", "kag", "survival")
                        .containsEntry("backup", "exited")
                        .containsEntry("creative", "running"));
        assertThat(browser.driver().findElements(By.cssSelector("table.processes tbody tr")))
                .extracting(r -> r.getAttribute("data-name"))
                .containsExactly("backup", "chat-relay", "creative", "kag", "survival");
        assertThat(browser.driver()
                        .findElement(By.cssSelector("tr[data-name='backup']"))
                        .getText())
                .contains("admin")
                .contains("exit 0");
        browser.screenshot("process-list");
    }

    @Test
    void aWrongPasswordIsSaidAndTheFormStays() throws Exception {
        page.open("");
        WebElement name = await().atMost(WAIT)
                .ignoreExceptions()
                .until(() -> browser.driver().findElement(By.id("login-user")), WebElement::isDisplayed);
        name.sendKeys(ALICE);
        browser.driver().findElement(By.id("login-password")).sendKeys("not-her-password", Keys.ENTER);
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(browser.driver()
                                .findElement(By.cssSelector(".login-error"))
                                .getText())
                        .isEqualTo("Wrong user name or password."));
        browser.screenshot("login-refused");
        assertThat(browser.driver().findElements(By.cssSelector("table.processes")))
                .isEmpty();
    }

    @Test
    void offersOnlyTheActionsThatFitTheStateAndTheyWork() throws Exception {
        page.open("").login(ALICE, password(ALICE)).openConsole("kag");
        await().atMost(WAIT).untilAsserted(() -> assertThat(page.actions()).containsExactly("stop", "restart", "kill"));
        page.act("stop");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(page.consoleAttribute("state")).isEqualTo("exited");
            assertThat(page.actions()).containsExactly("start");
            assertThat(page.commandInput().isEnabled()).isFalse();
        });
        browser.screenshot("console-stopped");
        page.act("start");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(page.consoleAttribute("state")).isEqualTo("running");
            assertThat(page.actions()).containsExactly("stop", "restart", "kill");
            assertThat(page.commandInput().isEnabled()).isTrue();
        });
        page.act("kill");
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(page.consoleAttribute("state")).isEqualTo("exited"));
        page.act("start");
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(page.consoleAttribute("state")).isEqualTo("running"));
    }

    @Test
    void sendsACommandAndShowsTheAnswerWithTheInputHistory() throws Exception {
        page.open("").login(ALICE, password(ALICE)).openConsole("survival");
        page.send("list");
        await().atMost(WAIT)
                .untilAsserted(
                        () -> assertThat(page.visibleRows())
                                .extracting(ConsolePage.Row::text)
                                .contains(
                                        "[12:00:20] [Server thread/INFO]: There are 2 of a max of 20 players online: knoppo, alex"));
        page.send("say back in 5 minutes");
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(page.visibleRows())
                        .extracting(ConsolePage.Row::text)
                        .contains("[12:00:21] [Server thread/INFO]: [Server] back in 5 minutes"));
        WebElement input = page.commandInput();
        assertThat(input.getAttribute("value")).isEmpty();
        input.sendKeys(Keys.ARROW_UP);
        assertThat(input.getAttribute("value")).isEqualTo("say back in 5 minutes");
        input.sendKeys(Keys.ARROW_UP);
        assertThat(input.getAttribute("value")).isEqualTo("list");
        input.sendKeys(Keys.ARROW_DOWN);
        assertThat(input.getAttribute("value")).isEqualTo("say back in 5 minutes");
        input.sendKeys(Keys.ARROW_DOWN);
        assertThat(input.getAttribute("value")).isEmpty();
        // the server's colours reached the page as classes
        assertThat(browser.driver().findElements(By.cssSelector(".viewport .fg-green.sgr-bold")))
                .extracting(WebElement::getText)
                .contains("Done (7.912s)!");
        // one bar each, the output taking the rest of the window
        Map<String, Long> layout = page.layout();
        assertThat(List.of("top", "head", "toolbar", "input"))
                .allSatisfy(bar -> assertThat(layout.get(bar)).as(bar).isBetween(30L, 70L));
        assertThat(layout.get("output")).isGreaterThan(layout.get("window") * 6 / 10);
        browser.screenshot("console");
    }

    @Test
    void aUserDoesNotSeeAnotherUsersProcess() throws Exception {
        page.open("").login(BOB, password(BOB));
        await().atMost(WAIT).untilAsserted(() -> assertThat(page.processes()).containsOnlyKeys("creative"));
        browser.screenshot("process-list-bob");
        page.open("#/p/kag");
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(browser.driver()
                                .findElement(By.cssSelector(".fatal"))
                                .getText())
                        .isEqualTo("kag is not yours to see."));
        assertThat(page.rowsInDom()).isZero();
        browser.screenshot("console-not-yours");
    }

    @Test
    void hostileOutputIsShownAsTextAndColoursAndRunsNoScript() throws Exception {
        page.open("").login(ALICE, password(ALICE)).openConsole("chat-relay");
        List<ConsolePage.Row> rows = await().atMost(WAIT).until(page::loadedRows, r -> r.size() >= 4);
        assertThat(rows)
                .extracting(ConsolePage.Row::text)
                .startsWith(
                        "<img src=x onerror=alert(1)>",
                        "<script>document.title=\"pwned\"</script>",
                        "red bold and green end",
                        "orange true colour");
        // the markup stayed text: no element was made of it, no handler ran
        assertThat(browser.<Number>js("return document.querySelectorAll('.viewport img, .viewport script').length;")
                        .intValue())
                .isZero();
        assertThat(browser.driver().getTitle()).isEqualTo("chat-relay · procgate");
        assertThatThrownBy(() -> browser.driver().switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        // SGR became classes and computed colours; the other sequences vanished
        WebElement red = browser.driver().findElement(By.xpath("//span[contains(@class,'fg-red')][text()='red bold']"));
        assertThat(red.getAttribute("class")).contains("sgr-bold");
        assertThat(red.getCssValue("font-weight")).isEqualTo("700");
        assertThat(browser.driver()
                        .findElement(By.xpath("//span[contains(@class,'fg-green')]"))
                        .getText())
                .isEqualTo("green");
        WebElement orange = browser.driver().findElement(By.xpath("//span[text()='orange']"));
        assertThat(orange.getCssValue("color")).isEqualTo("rgba(255, 135, 0, 1)");
        WebElement truecolour = browser.driver().findElement(By.xpath("//span[text()='true colour']"));
        assertThat(truecolour.getCssValue("background-color")).isEqualTo("rgba(10, 20, 30, 1)");
        browser.screenshot("console-hostile");
    }
}
