package io.procgate.http.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The page's ANSI converter (static/ansi.js, as the gateway serves it) run in the browser on one
 * line at a time: SGR becomes classes and computed colours, everything else is dropped, and the
 * text reaches the DOM as text.
 */
class AnsiRenderingBrowserTest {
    @TempDir
    static Path tmp;

    private static WebGateway gateway;
    private static Browser browser;

    @BeforeAll
    static void start() {
        browser = Browser.start();
        gateway = WebGateway.start(tmp, "");
        browser.driver().get(gateway.base() + "/static/app.css");
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.close();
        if (gateway != null) gateway.close();
    }

    /**
     * Renders {@code line} (with {@code \e} for ESC) and describes the result as "text{classes|style}"
     * for each span, plain text as is.
     */
    private static String render(String line) {
        Object result = browser.driver()
                .executeAsyncScript(
                        "const done = arguments[arguments.length - 1];"
                                + "import('/static/ansi.js').then(m => {"
                                + "  const div = document.createElement('div');"
                                + "  m.renderAnsi(arguments[0].replaceAll('\\\\e', '\\u001b'), div);"
                                + "  done([...div.childNodes].map(n => n.nodeType === 3 ? n.textContent"
                                + "    : n.textContent + '{' + [...n.classList].join(' ')"
                                + "      + (n.getAttribute('style') ? '|' + n.getAttribute('style') : '') + '}').join(''));"
                                + "}, e => done('ERROR ' + e));",
                        line);
        return (String) result;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '→',
            quoteCharacter = '`',
            value = {
                "plain text → plain text",
                "\\e[31mred\\e[0m after → red{fg-red} after",
                "\\e[1;32mbold green\\e[22m green → bold green{fg-green sgr-bold} green{fg-green}",
                "\\e[91mbright\\e[39m default → bright{fg-bright-red} default",
                "\\e[44;97mon blue\\e[49m → on blue{fg-bright-white bg-blue}",
                "\\e[2mdim\\e[0m \\e[3mit\\e[23m \\e[4mun\\e[24m \\e[9mst → dim{sgr-dim} it{sgr-italic} un{sgr-underline} st{sgr-strike}",
                "\\e[7minverse → inverse{fg-inverse bg-inverse}",
                "\\e[31;7mred inverse → red inverse{fg-inverse bg-red}",
                "\\e[38;5;208morange → orange{|color: rgb(255, 135, 0);}",
                "\\e[38;5;232mgrey → grey{|color: rgb(8, 8, 8);}",
                "\\e[38;5;3mpalette yellow → palette yellow{fg-yellow}",
                "\\e[48;2;10;20;30mtrue → true{|background-color: rgb(10, 20, 30);}",
                "\\e[38:2:1:2:300mcolons → colons{|color: rgb(1, 2, 255);}",
                "\\e[mreset by empty → reset by empty",
                "a\\e[2Kb\\e[1;1Hc\\e[?25ld → abcd",
                "title\\e]0;window\\u0007 gone → title gone",
                "osc st\\e]8;;http://x\\e\\link → osc stlink",
                "charset\\e(B ok → charset ok",
                "keypad\\e= ok → keypad ok",
                "cr\\rbs\\u0008bel\\u0007 → crbsbel",
                "`tab\tkept` → `tab\tkept`",
                "`unfinished \\e[31` → `unfinished `",
                "`lone escape \\e` → `lone escape `",
                "<img src=x onerror=alert(1)> → <img src=x onerror=alert(1)>",
            })
    void rendersOneLine(String line, String expected) {
        assertThat(render(line.replace("\\u0007", "\u0007")
                        .replace("\\u0008", "\b")
                        .replace("\\r", "\r")))
                .isEqualTo(expected);
    }

    @Test
    void stripsForSearchResults() {
        Object stripped = browser.driver()
                .executeAsyncScript("const done = arguments[arguments.length - 1];"
                        + "import('/static/ansi.js').then(m => done(m.stripAnsi('\\u001b[1mDone\\u001b[0m (3s)')));");
        assertThat(stripped).isEqualTo("Done (3s)");
    }

    @Test
    void neverMakesAnElementOtherThanASpan() {
        Object tags = browser.driver()
                .executeAsyncScript("const done = arguments[arguments.length - 1];"
                        + "import('/static/ansi.js').then(m => { const d = document.createElement('div');"
                        + " m.renderAnsi('\\u001b[31m<b>x</b>\\u001b[0m<script>y</script>', d);"
                        + " done([...d.querySelectorAll('*')].map(e => e.tagName)); });");
        assertThat(tags).isEqualTo(List.of("SPAN"));
    }
}
