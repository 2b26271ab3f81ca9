package io.procgate.http.web;

import static io.procgate.http.web.ConsolePage.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procgate.core.testing.ChildGateway;
import io.procgate.core.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * First contact: a gateway with no users, run as the launcher runs it, prints a one-time console
 * link; following it in the browser signs in as an admin, with the token gone from the address bar.
 */
class FirstRunBrowserTest {
    private static final Pattern LINK = Pattern.compile("web console: (http://127\\.0\\.0\\.1:\\d+/\\?token=\\S+)");

    @TempDir
    Path tmp;

    @Test
    void theOneTimeLinkSignsInAsAnAdmin() throws Exception {
        try (Browser browser = Browser.start()) {
            Path conf = tmp.resolve("gateway.conf");
            Files.writeString(
                    conf,
                    "gateway { data-dir = \"" + tmp.resolve("data") + "\", shutdown-timeout = 5s\n"
                            + "  allow-root-children = true\n"
                            + "  http { host = \"127.0.0.1\", port = " + FreePorts.belowEphemeralRange() + " }\n"
                            + "  processes.server { command = cat, autostart = true } }\n");
            try (ChildGateway gateway = ChildGateway.start(tmp, "-c", conf.toString())) {
                Matcher link = await().atMost(WAIT).until(() -> LINK.matcher(gateway.out()), Matcher::find);
                String url = link.group(1);
                browser.driver().get(url);
                ConsolePage page = new ConsolePage(browser, url.substring(0, url.indexOf("/?")));
                await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                    assertThat(browser.driver()
                                    .findElement(By.cssSelector("#who .user"))
                                    .getText())
                            .isEqualTo(System.getProperty("user.name"));
                    assertThat(browser.driver()
                                    .findElement(By.cssSelector("#who .admin"))
                                    .getText())
                            .isEqualToIgnoringCase("admin");
                    assertThat(page.processes()).containsEntry("server", "running");
                });
                assertThat(browser.driver().getCurrentUrl()).doesNotContain("token");
                page.openConsole("server");
                assertThat(page.actions()).containsExactly("stop", "restart", "kill");
                browser.screenshot("first-run");
                browser.assertNoScriptProblems();
            }
        }
    }
}
