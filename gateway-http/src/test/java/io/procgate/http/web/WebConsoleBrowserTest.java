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
        Path echo = tmp.resolve("echo.sh");
        Files.writeString(echo, "while read l; do echo \"you said: $l\"; done\n");
        gateway = WebGateway.start(
                tmp,
                ""
                        + "game { command = cat, owner = alice, autostart = true }\n"
                        + "echo { command = \"sh " + echo + "\", owner = alice, autostart = true }\n"
                        + "hostile { command = \"sh " + hostile + "\", owner = alice, autostart = true }\n"
                        + "bobs { command = cat, owner = bob, autostart = true }\n");
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
        assertThat(browser.scriptProblems())
                .as("CSP refusals or script errors in the page")
                .isEmpty();
    }

    @Test
    void signsInAndSeesItsProcessesChangeStateLive() throws Exception {
        page.open("").login(ALICE, password(ALICE));
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(page.processes())
                        .containsEntry("game", "running")
                        .containsEntry("echo", "running")
                        .containsEntry("hostile", "running")
                        .doesNotContainKey("bobs"));
        browser.screenshot("process-list");

        WebGateway.Api admin = gateway.login(ADMIN);
        assertThat(admin.post("/api/processes/game/stop", "{}").statusCode()).isEqualTo(200);
        await().atMost(WAIT).untilAsserted(() -> assertThat(page.processes()).containsEntry("game", "exited"));
        browser.screenshot("process-list-exited");
        assertThat(admin.post("/api/processes/game/start", "{}").statusCode()).isEqualTo(200);
        await().atMost(WAIT).untilAsserted(() -> assertThat(page.processes()).containsEntry("game", "running"));
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
        page.open("").login(ALICE, password(ALICE)).openConsole("game");
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
        page.open("").login(ALICE, password(ALICE)).openConsole("echo");
        page.send("hello world");
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(page.visibleRows())
                        .extracting(ConsolePage.Row::text)
                        .contains("you said: hello world"));
        page.send("second");
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(page.visibleRows())
                        .extracting(ConsolePage.Row::text)
                        .contains("you said: hello world", "you said: second"));
        WebElement input = page.commandInput();
        assertThat(input.getAttribute("value")).isEmpty();
        input.sendKeys(Keys.ARROW_UP);
        assertThat(input.getAttribute("value")).isEqualTo("second");
        input.sendKeys(Keys.ARROW_UP);
        assertThat(input.getAttribute("value")).isEqualTo("hello world");
        input.sendKeys(Keys.ARROW_DOWN);
        assertThat(input.getAttribute("value")).isEqualTo("second");
        input.sendKeys(Keys.ARROW_DOWN);
        assertThat(input.getAttribute("value")).isEmpty();
        browser.screenshot("console-command");
    }

    @Test
    void aUserDoesNotSeeAnotherUsersProcess() throws Exception {
        page.open("").login(BOB, password(BOB));
        await().atMost(WAIT).untilAsserted(() -> assertThat(page.processes()).containsOnlyKeys("bobs"));
        browser.screenshot("process-list-bob");
        page.open("#/p/game");
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(browser.driver()
                                .findElement(By.cssSelector(".fatal"))
                                .getText())
                        .isEqualTo("game is not yours to see."));
        assertThat(page.rowsInDom()).isZero();
        browser.screenshot("console-not-yours");
    }

    @Test
    void hostileOutputIsShownAsTextAndColoursAndRunsNoScript() throws Exception {
        page.open("").login(ALICE, password(ALICE)).openConsole("hostile");
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
        assertThat(browser.driver().getTitle()).isEqualTo("hostile · procgate");
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
