package io.procgate.tcpr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procgate.host.StartResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TCPR contract (shared/specs/tcpr.md) over real sockets, against a real child that acts like a
 * game console ({@link ConsoleScript}). Subclasses say what serves the listeners.
 */
abstract class TcprEndToEndContract {
    static final String TS = "\\[\\d\\d:\\d\\d:\\d\\d\\] ";
    static final String AUTHENTICATED = TS + "TCP RCON Connection from 127\\.0\\.0\\.1:\\d+ is now authenticated";
    static final String SHUTDOWN = "\\d\\d:\\d\\d:\\d\\dTCPR: server shutting down\\.";
    static final Duration WAIT = Duration.ofSeconds(30);

    /** What real KAG tools match on: line-iterating clients... */
    static final Pattern KAG_LINE = Pattern.compile("^\\[\\d\\d:\\d\\d:\\d\\d\\]");
    /** ...and the shutdown notice. */
    static final Pattern KAG_SHUTDOWN = Pattern.compile("^\\d\\d:\\d\\d:\\d\\dTCPR: server shutting down");

    @TempDir
    Path dir;

    Path script;

    /** Starts a server with these listeners (a HOCON list of listener objects). */
    abstract TcprServer server(String listeners) throws Exception;

    @BeforeEach
    void writeScript() throws IOException {
        script = ConsoleScript.write(dir);
    }

    static String listener(String process, String extra) {
        return "{ host = \"127.0.0.1\", port = 0, process = " + process + ", password = secret" + extra + " }";
    }

    TcprServer serve(String... listeners) throws Exception {
        return server("[" + String.join(", ", listeners) + "]");
    }

    void start(TcprServer server, String name, String tickSeconds) {
        StartResult result = server.host()
                .start(name, ConsoleScript.spec(script, tickSeconds), "tester")
                .join();
        assertThat(result.outcome()).as("start %s: %s", name, result.error()).isEqualTo(StartResult.Outcome.STARTED);
    }

    static TcprTestClient authenticated(TcprServer server, int listener, String newline) throws IOException {
        TcprTestClient c = TcprTestClient.connect(server.port(listener));
        c.send("secret" + newline);
        assertThat(c.line()).matches(AUTHENTICATED + newline);
        return c;
    }

    /** Sends a command and reads its two echo lines, then the line of the answer containing {@code answer}. */
    static String command(TcprTestClient c, String command, String newline, String answer) throws IOException {
        return command(c, command, newline, newline, answer);
    }

    /** The same, ending the command in {@code sent} while the session's newline is {@code newline}. */
    static String command(TcprTestClient c, String command, String sent, String newline, String answer)
            throws IOException {
        c.send(command + sent);
        assertThat(c.lineContaining("RCON command from"))
                .matches(TS + "RCON command from 127\\.0\\.0\\.1:\\d+ :" + newline);
        assertThat(c.line()).matches(TS + Pattern.quote(command) + newline);
        return c.lineContaining(answer);
    }

    @Test
    void lfPasswordGivesAnLfSessionWithTimestamps() throws Exception {
        try (TcprServer s = serve(listener("kag", ""))) {
            start(s, "kag", "0");
            try (TcprTestClient c = authenticated(s, 0, "\n")) {
                assertThat(command(c, "/players", "\n", "[players]")).matches(TS + "\\[players\\] alice bob\n");
                // a client line may still end in \r\n: the terminator is removed either way
                assertThat(command(c, "say hi", "\r\n", "\n", "you said")).matches(TS + "you said: say hi\n");
                c.send("/quit\n");
                assertThat(c.lineContaining("quitting")).matches(TS + "quitting\n");
                assertThat(c.line()).matches(SHUTDOWN + "\n");
                assertThat(c.line()).isNull();
            }
        }
    }

    @Test
    void crLfPasswordGivesACrLfSession() throws Exception {
        try (TcprServer s = serve(listener("kag", ""))) {
            start(s, "kag", "0");
            try (TcprTestClient c = authenticated(s, 0, "\r\n")) {
                assertThat(command(c, "/players", "\r\n", "[players]")).matches(TS + "\\[players\\] alice bob\r\n");
                assertThat(command(c, "plain lf", "\n", "\r\n", "you said")).matches(TS + "you said: plain lf\r\n");
                c.send("/quit\r\n");
                assertThat(c.lineContaining("quitting")).matches(TS + "quitting\r\n");
                assertThat(c.line()).matches(SHUTDOWN + "\r\n");
                assertThat(c.line()).isNull();
            }
        }
    }

    @Test
    void withoutTimestampsNoLineIsPrefixedButTheShutdownLineIsExact() throws Exception {
        try (TcprServer s = serve(listener("kag", ", timestamps = false"))) {
            start(s, "kag", "0");
            try (TcprTestClient c = TcprTestClient.connect(s.port(0))) {
                c.send("secret\r\n");
                assertThat(c.line()).matches("TCP RCON Connection from 127\\.0\\.0\\.1:\\d+ is now authenticated\r\n");
                c.send("/players\r\n");
                assertThat(c.lineContaining("RCON command")).matches("RCON command from 127\\.0\\.0\\.1:\\d+ :\r\n");
                assertThat(c.line()).isEqualTo("/players\r\n");
                assertThat(c.lineContaining("[players]")).isEqualTo("[players] alice bob\r\n");
                c.send("/quit\r\n");
                assertThat(c.lineContaining("quitting")).isEqualTo("quitting\r\n");
                assertThat(c.line()).matches(SHUTDOWN + "\r\n");
                assertThat(c.line()).isNull();
            }
        }
    }

    @Test
    void outputLinesOver16384BytesAreSplitIntoLinesOfAtMost16384() throws Exception {
        try (TcprServer s = serve(listener("kag", ""))) {
            start(s, "kag", "0");
            try (TcprTestClient c = authenticated(s, 0, "\r\n")) {
                c.send("/long\r\n");
                String first = c.lineMatching(l -> l.contains("LLLL"));
                assertThat(first).matches(TS + "L{16384}\r\n");
                assertThat(c.line()).matches(TS + "L{16384}\r\n");
                assertThat(c.line()).matches(TS + "L{7232}\r\n");
            }
        }
    }

    @Test
    void invalidUtf8FromTheProcessPassesThroughByteForByte() throws Exception {
        try (TcprServer s = serve(listener("kag", ""))) {
            start(s, "kag", "0");
            try (TcprTestClient c = authenticated(s, 0, "\n")) {
                c.send("/utf8\n");
                assertThat(c.lineContaining("bytes")).matches(TS + "bad \u00ff\u00fe bytes\n");
            }
        }
    }

    @Test
    void theShutdownLineIsSentByteForByteWhenTheProcessIsStopped() throws Exception {
        try (TcprServer s = serve(listener("kag", ""))) {
            start(s, "kag", "0.2");
            try (TcprTestClient lf = authenticated(s, 0, "\n");
                    TcprTestClient crlf = authenticated(s, 0, "\r\n")) {
                s.host().stop("kag").join();
                assertThat(lf.lineMatching(l -> !l.startsWith("["))).matches(SHUTDOWN + "\n");
                assertThat(lf.line()).isNull();
                assertThat(crlf.lineMatching(l -> !l.startsWith("["))).matches(SHUTDOWN + "\r\n");
                assertThat(crlf.line()).isNull();
            }
        }
    }

    @Test
    void stoppingTheServerSendsTheShutdownLineToAuthenticatedClientsOnly() throws Exception {
        TcprServer s = serve(listener("kag", ""));
        try (TcprTestClient waiting = authenticated(s, 0, "\n");
                TcprTestClient anonymous = TcprTestClient.connect(s.port(0))) {
            start(s, "kag", "0.2");
            waiting.lineContaining("tick");
            s.close();
            assertThat(waiting.lineMatching(l -> !l.startsWith("["))).matches(SHUTDOWN + "\n");
            assertThat(waiting.line()).isNull();
            assertThat(anonymous.endsWithoutAByte()).isTrue();
        } finally {
            s.close();
        }
    }

    @Test
    void nothingReachesAClientBeforeItAuthenticatesWhileTheProcessPrints() throws Exception {
        try (TcprServer s = serve(listener("kag", ""))) {
            start(s, "kag", "0.05");
            try (TcprTestClient c = TcprTestClient.connect(s.port(0))) {
                long before = s.host().status("kag").orElseThrow().nextLine();
                await().atMost(WAIT)
                        .until(() -> s.host().status("kag").orElseThrow().nextLine() >= before + 5);
                assertThat(c.silentFor(300)).isTrue();
                c.send("secr");
                assertThat(c.silentFor(200)).isTrue();
                c.send("et\n");
                // the very first bytes are the authenticated line
                assertThat(c.line()).matches(AUTHENTICATED + "\n");
                assertThat(c.line()).matches(TS + "tick \\d+\n");
            }
        }
    }

    @Test
    void aScriptThatSendsItsLinesAndHalfClosesHasThemCarriedOut() throws Exception {
        try (TcprServer s = serve(listener("kag", ""))) {
            start(s, "kag", "0");
            try (TcprTestClient c = TcprTestClient.connect(s.port(0))) {
                // printf 'secret\n/players\n' | nc -N 127.0.0.1 PORT
                c.send("secret\n/players\n");
                c.socket().shutdownOutput();
                assertThat(c.line()).matches(AUTHENTICATED + "\n");
                assertThat(c.lineContaining("[players]")).matches(TS + "\\[players\\] alice bob\n");
                s.host().stop("kag").join();
                assertThat(c.lineMatching(l -> !l.startsWith("["))).matches(SHUTDOWN + "\n");
                assertThat(c.line()).isNull();
            }
        }
    }

    @Test
    void aWrongPasswordClosesTheConnectionWithoutAByte() throws Exception {
        try (TcprServer s = serve(listener("kag", ""))) {
            start(s, "kag", "0.05");
            try (TcprTestClient c = TcprTestClient.connect(s.port(0))) {
                c.send("wrong\n/quit\n");
                assertThat(c.endsWithoutAByte()).isTrue();
            }
            assertThat(s.host().status("kag").orElseThrow().running()).isTrue();
        }
    }

    @Test
    void twoListenersOnTwoProcessesAndAThirdOnTheFirstProcess() throws Exception {
        try (TcprServer s = serve(listener("kag", ""), listener("mc", ""), listener("kag", ", timestamps = false"))) {
            start(s, "kag", "0");
            start(s, "mc", "0");
            // "Server started" is printed before the clients come, or kagPlain's first line would be it
            await().atMost(WAIT)
                    .until(() -> s.host().status("kag").orElseThrow().nextLine() >= 1);
            try (TcprTestClient kag = authenticated(s, 0, "\n");
                    TcprTestClient mc = authenticated(s, 1, "\n");
                    TcprTestClient kagPlain = TcprTestClient.connect(s.port(2))) {
                kagPlain.send("secret\n");
                assertThat(kagPlain.line()).startsWith("TCP RCON Connection from 127.0.0.1:");

                assertThat(command(mc, "to mc", "\n", "you said")).matches(TS + "you said: to mc\n");
                assertThat(command(kag, "to kag", "\n", "you said")).matches(TS + "you said: to kag\n");
                // the same process's output reaches the other listener, the echo does not
                assertThat(kagPlain.line()).isEqualTo("you said: to kag\n");

                assertThat(command(mc, "mc again", "\n", "you said")).matches(TS + "you said: mc again\n");
                assertThat(command(kag, "kag again", "\n", "you said")).matches(TS + "you said: kag again\n");
                assertThat(kagPlain.line()).isEqualTo("you said: kag again\n");

                assertThat(s.host().status("mc").orElseThrow().running()).isTrue();
            }
        }
    }

    @Test
    void aClientConnectedBeforeTheProcessStartsWaitsForIt() throws Exception {
        try (TcprServer s = serve(listener("later", ""))) {
            try (TcprTestClient c = authenticated(s, 0, "\r\n")) {
                c.send("anyone there?\r\n");
                assertThat(c.line()).matches(TS + "\\[gateway\\] process later is not running, line not delivered\r\n");
                start(s, "later", "0");
                assertThat(c.line()).matches(TS + "Server started\r\n");
                assertThat(command(c, "now", "\r\n", "you said")).matches(TS + "you said: now\r\n");
                c.send("/quit\r\n");
                assertThat(c.lineContaining("quitting")).matches(TS + "quitting\r\n");
                assertThat(c.line()).matches(SHUTDOWN + "\r\n");
                assertThat(c.line()).isNull();
            }
        }
    }

    @Test
    void connectionsOverMaxClientsAreClosedBeforeAnyByte() throws Exception {
        try (TcprServer s = serve(listener("kag", ", max-clients = 2"))) {
            try (TcprTestClient a = authenticated(s, 0, "\n");
                    TcprTestClient b = TcprTestClient.connect(s.port(0));
                    TcprTestClient c = TcprTestClient.connect(s.port(0))) {
                assertThat(c.endsWithoutAByte()).isTrue();
                b.socket().close();
                await().atMost(WAIT).untilAsserted(() -> {
                    try (TcprTestClient d = TcprTestClient.connect(s.port(0))) {
                        d.send("secret\n");
                        assertThat(d.line()).matches(AUTHENTICATED + "\n");
                    }
                });
                assertThat(a.socket().isClosed()).isFalse();
            }
        }
    }

    @Test
    void aLineIteratingKagClientWorksUnchanged() throws Exception {
        try (TcprServer s = serve(listener("kag", ""))) {
            start(s, "kag", "0.1");
            try (Socket socket = new Socket("127.0.0.1", s.port(0))) {
                socket.setSoTimeout(TcprTestClient.TIMEOUT_MILLIS);
                BufferedReader reader =
                        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = socket.getOutputStream();
                out.write("secret\n".getBytes(StandardCharsets.UTF_8));
                List<String> lines = new ArrayList<>();
                String shutdown = null;
                for (String line; (line = reader.readLine()) != null; ) {
                    if (KAG_SHUTDOWN.matcher(line).find()) {
                        shutdown = line;
                        continue;
                    }
                    assertThat(KAG_LINE.matcher(line).find()).as(line).isTrue();
                    assertThat(shutdown).as("a line after the shutdown line").isNull();
                    lines.add(line);
                    if (lines.size() == 5) {
                        out.write("/quit\n".getBytes(StandardCharsets.UTF_8));
                    }
                }
                assertThat(lines.get(0)).contains("is now authenticated");
                assertThat(lines).anyMatch(l -> l.endsWith("quitting"));
                assertThat(shutdown).matches(SHUTDOWN);
            }
        }
    }

    @Test
    void aClientThatTakesEachChunkForALineSeesWholeLines() throws Exception {
        try (TcprServer s = serve(listener("kag", ""))) {
            start(s, "kag", "0.2");
            try (TcprTestClient c = TcprTestClient.connect(s.port(0))) {
                c.send("secret\n");
                List<String> chunks = new ArrayList<>();
                int lonelyTicks = 0;
                while (lonelyTicks < 4) {
                    String chunk = c.chunk();
                    assertThat(chunk).isNotNull();
                    chunks.add(chunk);
                    if (chunk.matches(TS + "tick \\d+\n")) {
                        lonelyTicks++;
                    }
                }
                // each line leaves in its own write: a chunk never holds part of a line
                assertThat(chunks)
                        .allSatisfy(chunk -> assertThat(chunk)
                                .endsWith("\n")
                                .satisfies(ch -> assertThat(ch.split("\n"))
                                        .allMatch(l -> KAG_LINE.matcher(l).find())));
                assertThat(chunks.get(0)).startsWith("[").contains("is now authenticated");
                c.send("/quit\n");
                StringBuilder rest = new StringBuilder();
                for (String chunk; (chunk = c.chunk()) != null; ) {
                    assertThat(chunk).endsWith("\n");
                    rest.append(chunk);
                }
                assertThat(rest.toString()).containsPattern("(?m)^" + SHUTDOWN + "\n\\z");
            }
        }
    }

    @Test
    void aClientThatDoesNotReadMissesLinesWhileOthersGetThemAll() throws Exception {
        // about 1.3 MB: twice the 512 KiB bound plus what the kernel holds for a client that does not
        // read (a 64 KiB send buffer, a 4 KiB receive window); the script paces it, and the bound
        // leaves a reading client thousands of lines of slack even on a busy machine
        int flood = 12_000;
        try (TcprServer s = serve(listener("kag", ", client-buffer = 512KiB"))) {
            start(s, "kag", "0.1");
            try (TcprTestClient fast = authenticated(s, 0, "\n");
                    TcprTestClient slow = new TcprTestClient(TcprTestClient.connectSocket(s.port(0), 4096))) {
                slow.send("secret\n");
                assertThat(slow.line()).matches(AUTHENTICATED + "\n");
                // from here on the slow client reads nothing until the flood is over
                fast.send("/flood " + flood + "\n");
                String all = fast.rawUntil("flood done");
                List<String> floodLines =
                        all.lines().filter(l -> l.contains(" flood line ")).toList();
                assertThat(floodLines).hasSize(flood);
                for (int i = 0; i < flood; i++) {
                    assertThat(floodLines.get(i)).startsWith("[").contains("] " + (i + 1) + " flood line ");
                }

                long last = 0;
                String missed = null;
                for (int read = 0; missed == null; read++) {
                    assertThat(read)
                            .as("lines read without a missed-lines notice")
                            .isLessThan(flood + 100);
                    String line = slow.line();
                    assertThat(line).matches(TS + ".*\n");
                    if (line.contains("[gateway] missed ")) {
                        missed = line;
                    } else if (line.contains(" flood line ")) {
                        long n = Long.parseLong(line.substring(11, line.indexOf(' ', 11)));
                        assertThat(n).isGreaterThan(last);
                        last = n;
                    }
                }
                assertThat(missed).matches(TS + "\\[gateway\\] missed [1-9]\\d* lines\n");
                assertThat(last).isLessThan(flood);
                // the stream goes on with the newest output
                assertThat(slow.line()).matches(TS + "(tick \\d+|flood done)\n");
            }
        }
    }
}
