package io.procgate.pcp;

import static io.procgate.pcp.PcpConsumer.field;
import static org.assertj.core.api.Assertions.assertThat;

import io.procgate.core.testing.FreePorts;
import io.procgate.host.ExitStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The session state machine and transfers over real loopback sockets, against a fake process control. */
class PcpSessionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private PcpTestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private PcpTestServer start(int dataPort, boolean prompt, Duration timeout) throws InterruptedException {
        server = new PcpTestServer(dataPort, prompt, timeout);
        return server;
    }

    @Test
    void theSpecExampleByteForByteWithAFixedDataPort() throws Exception {
        int dataPort = FreePorts.belowEphemeralRange();
        start(dataPort, true, TIMEOUT);
        try (PcpConsumer c = new PcpConsumer(server.address())) {
            c.expect(">");
            c.sendRaw("request=start&name=lobby&command=java%20-jar%20server.jar&path=/srv/lobby\r\n");
            c.expect("response=start&result=OK\r\n>");
            assertThat(server.control.audit).containsExactly("start lobby [java -jar server.jar] in /srv/lobby by pcp");
            server.control.addLines("lobby", 2);
            c.sendRaw("request=cat&name=lobby&line=0\r\n");
            c.expect("response=cat&result=OK&lines=2&port=" + dataPort + "&size=14\r\n");
            assertThat(c.silentFor(200)).isTrue();
            assertThat(new String(c.fetch(dataPort), StandardCharsets.UTF_8)).isEqualTo("line 0\nline 1\n");
            assertThat(c.silentFor(100)).as("no prompt before the $").isTrue();
            c.sendRaw("$");
            c.expect(">");
            c.sendRaw("nonsense\r\n");
            c.expect("?\r\n>");
        }
    }

    @Test
    void ephemeralDataPortsAreFreshForEveryTransfer() throws Exception {
        start(0, true, TIMEOUT);
        try (PcpConsumer c = server.connect()) {
            c.request("request=start&name=lobby&command=x");
            server.control.addLines("lobby", 3);
            String first = c.request("request=cat&name=lobby");
            assertThat(first).startsWith("response=cat&result=OK&lines=3&port=").endsWith("&size=21");
            assertThat(c.collect(first)).isEqualTo("line 0\nline 1\nline 2\n");
            String second = c.request("request=cat&name=lobby&line=2");
            assertThat(c.collect(second)).isEqualTo("line 2\n");
            assertThat(field(second, "port")).isNotEqualTo(field(first, "port"));
            int firstPort = Integer.parseInt(field(first, "port"));
            assertThat(firstPort).isNotEqualTo(server.address().getPort());
            assertThat(noDataFrom(firstPort))
                    .as("a finished transfer's port serves nothing")
                    .isTrue();
        }
    }

    /** True if connecting to {@code port} is refused or yields no byte. */
    private static boolean noDataFrom(int port) {
        try {
            return PcpConsumer.fetch("127.0.0.1", port, null).length == 0;
        } catch (IOException refused) {
            return true;
        }
    }

    @Test
    void answersEveryRequest() throws Exception {
        start(0, true, TIMEOUT);
        try (PcpConsumer c = server.connect()) {
            assertThat(c.request("request=list")).isEqualTo("response=list&result=OK&count=0");
            assertThat(c.request("request=start&name=lobby&command=run")).isEqualTo("response=start&result=OK");
            assertThat(c.request("request=start&name=lobby&command=run")).isEqualTo("response=start&result=EXISTS");
            assertThat(c.request("request=start&name=db&command=run%20db")).isEqualTo("response=start&result=OK");
            String list = c.request("request=list");
            assertThat(list).startsWith("response=list&result=OK&count=2&port=").endsWith("&size=9");
            assertThat(c.collect(list)).isEqualTo("db\nlobby\n");
            assertThat(c.request("request=command&name=lobby&line=say%20hello%20%26%20bye"))
                    .isEqualTo("response=command&result=OK");
            String cat = c.request("request=cat&name=lobby");
            assertThat(c.collect(cat)).isEqualTo("say hello & bye\n");
            assertThat(c.request("request=status&name=lobby"))
                    .isEqualTo("response=status&result=OK&state=running&pid=4242&lines=1");
            assertThat(c.request("request=kill&name=lobby")).isEqualTo("response=kill&result=OK");
            assertThat(c.request("request=kill&name=lobby")).isEqualTo("response=kill&result=OFFLINE");
            assertThat(c.request("request=status&name=lobby"))
                    .isEqualTo("response=status&result=OK&state=exited&signal=SIGKILL&lines=1");
            server.control.exit("db", new ExitStatus(3, 0));
            assertThat(c.request("request=status&name=db"))
                    .isEqualTo("response=status&result=OK&state=exited&exit=3&lines=0");
            assertThat(c.request("request=cat&name=db&line=0")).isEqualTo("response=cat&result=OK&lines=0");
            assertThat(c.request("request=command&name=db&line=x")).isEqualTo("response=command&result=OFFLINE");
        }
    }

    @Test
    void mapsStatusesAndInvalidValues() throws Exception {
        start(0, true, TIMEOUT);
        server.control.addForeign("theirs");
        try (PcpConsumer c = server.connect()) {
            assertThat(c.request("request=status&name=ghost")).isEqualTo("response=status&result=OFFLINE");
            assertThat(c.request("request=cat&name=ghost")).isEqualTo("response=cat&result=OFFLINE");
            assertThat(c.request("request=kill&name=theirs")).isEqualTo("response=kill&result=PERMISSION_DENIED");
            assertThat(c.request("request=status&name=theirs")).isEqualTo("response=status&result=PERMISSION_DENIED");
            assertThat(c.request("request=start&name=theirs&command=x"))
                    .isEqualTo("response=start&result=PERMISSION_DENIED");
            assertThat(c.request("request=status&name=bad%20name")).isEqualTo("response=status&result=ERROR");
            assertThat(c.request("request=status&name=" + "n".repeat(65))).isEqualTo("response=status&result=ERROR");
            assertThat(c.request("request=status&name=?")).isEqualTo("response=status&result=ERROR");
            assertThat(c.request("request=cat&name=theirs&line=ten")).isEqualTo("response=cat&result=ERROR");
            assertThat(c.request("request=cat&name=theirs&line=-1")).isEqualTo("response=cat&result=ERROR");
            assertThat(c.request("request=start&name=x&command=missing%20program"))
                    .isEqualTo("response=start&result=UNKNOWN");
            assertThat(c.request("request=status&name=x"))
                    .isEqualTo("response=status&result=OK&state=exited&lines=0&error=no%20such%20file");
            assertThat(c.request("request=status&name=x&extra=ignored&more={stuff}"))
                    .isEqualTo("response=status&result=OK&state=exited&lines=0&error=no%20such%20file");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "name=lobby&request=status", // first key is not request
                "request=restart&name=lobby", // unknown verb
                "request=STATUS&name=lobby", // verbs are lower case
                "request=?",
                "request=status", // missing name
                "request=kill",
                "request=cat",
                "request=start&name=lobby", // missing command
                "request=start&command=x",
                "request=command&name=lobby" // missing line
            })
    void answersQuestionMarkToWhatItCannotProcess(String payload) throws Exception {
        start(0, true, TIMEOUT);
        try (PcpConsumer c = server.connect()) {
            assertThat(c.request(payload)).isEqualTo("?");
            assertThat(c.request("request=list")).isEqualTo("response=list&result=OK&count=0");
        }
    }

    @Test
    void queriesNarrowTheResponse() throws Exception {
        start(0, true, TIMEOUT);
        try (PcpConsumer c = server.connect()) {
            c.request("request=start&name=lobby&command=x");
            assertThat(c.request("request=status&name=lobby&state=?&pid=?"))
                    .isEqualTo("response=status&result=OK&state=running&pid=4242");
            assertThat(c.request("request=status&name=lobby&lines=?")).isEqualTo("response=status&result=OK&lines=0");
            assertThat(c.request("request=status&name=lobby&nothing=?")).isEqualTo("response=status&result=OK");
            server.control.addLines("lobby", 2);
            assertThat(c.request("request=cat&name=lobby&lines=?"))
                    .as("narrowing away port and size drops the transfer")
                    .isEqualTo("response=cat&result=OK&lines=2");
            String withSize = c.request("request=cat&name=lobby&size=?");
            assertThat(withSize).matches("response=cat&result=OK&port=\\d+&size=14");
            assertThat(c.collect(withSize)).isEqualTo("line 0\nline 1\n");
            assertThat(c.request("request=list&count=?")).isEqualTo("response=list&result=OK&count=1");
        }
    }

    @Test
    void shortensALongErrorToKeepTheResponseWithinTheLimit() throws Exception {
        start(0, true, TIMEOUT);
        server.control.startError = "cannot run program \"/srv/a b\": error=2, No such file or directory € ".repeat(8);
        try (PcpConsumer c = server.connect()) {
            c.request("request=start&name=" + "n".repeat(64) + "&command=missing");
            String status = c.request("request=status&name=" + "n".repeat(64));
            assertThat(status.length() + 2).isLessThanOrEqualTo(256).isGreaterThan(240);
            PcpPayload parsed = PcpPayload.parse(status);
            assertThat(parsed.value("error")).endsWith("...");
            assertThat(server.control.startError)
                    .startsWith(parsed.value("error").replace("...", ""));
            assertThat(c.request("request=status&name=" + "n".repeat(64) + "&error=?"))
                    .startsWith("response=status&result=OK&error=cannot%20run");
        }
    }

    @Test
    void withoutPromptsOnlyTheFirstPromptIsSent() throws Exception {
        start(0, false, TIMEOUT);
        try (PcpConsumer c = new PcpConsumer(server.address())) {
            c.expect(">");
            c.send("request=start&name=lobby&command=x");
            c.expect("response=start&result=OK\r\n");
            server.control.addLines("lobby", 1);
            c.send("request=cat&name=lobby");
            String cat = c.readLine();
            assertThat(c.fetch(Integer.parseInt(field(cat, "port")))).hasSize(7);
            c.ack();
            c.send("nonsense");
            c.expect("?\r\n");
            c.send("request=list");
            assertThat(c.readLine()).startsWith("response=list&result=OK&count=1&port=");
            assertThat(c.silentFor(100)).isTrue();
        }
    }

    @Test
    void aDollarWithNoTransferPendingIsIgnored() throws Exception {
        start(0, true, TIMEOUT);
        try (PcpConsumer c = server.connect()) {
            c.sendRaw("$");
            assertThat(c.silentFor(200)).isTrue();
            c.sendRaw("$$\r\nrequest=list\r\n");
            c.expect("response=list&result=OK&count=0\r\n>");
        }
    }

    @Test
    void aTransferNobodyCollectsTimesOut() throws Exception {
        start(0, true, Duration.ofMillis(300));
        try (PcpConsumer c = server.connect()) {
            c.request("request=start&name=lobby&command=x");
            server.control.addLines("lobby", 1);
            String cat = c.request("request=cat&name=lobby");
            long t0 = System.nanoTime();
            c.expect("?\r\n>");
            assertThat(System.nanoTime() - t0).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(200));
            assertThat(noDataFrom(Integer.parseInt(field(cat, "port")))).isTrue();
            c.ack(); // late, and ignored
            assertThat(c.request("request=list")).startsWith("response=list&result=OK&count=1");
        }
    }

    @Test
    void aTransferNobodyCollectsTimesOutOnAFixedPort() throws Exception {
        int dataPort = FreePorts.belowEphemeralRange();
        start(dataPort, true, Duration.ofMillis(300));
        try (PcpConsumer c = server.connect()) {
            c.request("request=start&name=lobby&command=x");
            server.control.addLines("lobby", 1);
            c.request("request=cat&name=lobby");
            c.expect("?\r\n>");
            assertThat(noDataFrom(dataPort)).isTrue();
            String again = c.request("request=cat&name=lobby");
            assertThat(c.collect(again)).isEqualTo("line 0\n");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void refusesADataConnectionFromAnotherAddress(boolean fixed) throws Exception {
        start(fixed ? FreePorts.belowEphemeralRange() : 0, true, TIMEOUT);
        try (PcpConsumer c = server.connect()) {
            c.request("request=start&name=lobby&command=x");
            server.control.addLines("lobby", 1);
            String cat = c.request("request=cat&name=lobby");
            int port = Integer.parseInt(field(cat, "port"));
            byte[] stolen = PcpConsumer.fetch("127.0.0.1", port, InetAddress.getByName("127.0.0.2"));
            assertThat(stolen).isEmpty();
            assertThat(c.silentFor(100)).isTrue();
            assertThat(c.collect(cat)).isEqualTo("line 0\n");
        }
    }

    @Test
    void anAckBeforeTheDataIsHeldUntilTheDataIsSent() throws Exception {
        start(0, true, TIMEOUT);
        try (PcpConsumer c = server.connect()) {
            c.request("request=start&name=lobby&command=x");
            server.control.addLines("lobby", 1);
            String cat = c.request("request=cat&name=lobby");
            c.ack();
            assertThat(c.silentFor(200)).isTrue();
            assertThat(c.fetch(Integer.parseInt(field(cat, "port")))).hasSize(7);
            c.expect(">");
        }
    }

    @Test
    void requestsSentWhileATransferIsPendingWaitTheirTurn() throws Exception {
        start(0, true, TIMEOUT);
        try (PcpConsumer c = server.connect()) {
            c.request("request=start&name=lobby&command=x");
            server.control.addLines("lobby", 1);
            c.send("request=cat&name=lobby");
            String cat = c.readLine();
            c.send("request=status&name=lobby&lines=?");
            assertThat(c.silentFor(200)).isTrue();
            assertThat(c.fetch(Integer.parseInt(field(cat, "port")))).hasSize(7);
            c.ack();
            c.expect(">response=status&result=OK&lines=1\r\n>");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        start(0, true, TIMEOUT);
        try (PcpConsumer c = server.connect()) {
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < 40; i++) {
                all.append("request=start&name=p").append(i).append("&command=x\r\nbad\r\n$");
            }
            c.sendRaw(all.toString());
            for (int i = 0; i < 40; i++) {
                c.expect("response=start&result=OK\r\n>?\r\n>");
            }
            assertThat(c.request("request=list&count=?")).isEqualTo("response=list&result=OK&count=40");
        }
    }

    @Test
    void aFixedPortServesConsumersAtTheSameAddressOneAtATime() throws Exception {
        int dataPort = FreePorts.belowEphemeralRange();
        start(dataPort, true, TIMEOUT);
        try (PcpConsumer a = server.connect();
                PcpConsumer b = server.connect()) {
            a.request("request=start&name=alpha&command=x");
            a.request("request=start&name=beta&command=x");
            server.control.addLines("alpha", 1);
            server.control.addLines("beta", 3);
            String catA = a.request("request=cat&name=alpha");
            assertThat(catA).endsWith("&port=" + dataPort + "&size=7");
            b.send("request=cat&name=beta");
            assertThat(b.silentFor(300))
                    .as("b is announced only when a's transfer is done")
                    .isTrue();
            assertThat(a.collect(catA)).isEqualTo("line 0\n");
            String catB = b.readLine();
            assertThat(catB).endsWith("&port=" + dataPort + "&size=21");
            assertThat(b.collect(catB)).isEqualTo("line 0\nline 1\nline 2\n");
        }
    }

    @Test
    void rejectsEveryMalformedPayloadAndStaysUsable() throws Exception {
        start(0, true, TIMEOUT);
        String[] malformed = {
            "",
            " \t ",
            "#just-a-comment#",
            "k=" + "v".repeat(253),
            PcpPayloadParserTest.pairs(65),
            "request",
            "request=list&",
            "&request=list",
            "request=list&&a=b",
            "=list",
            "request=",
            "request=list&a=b=c",
            "request=li\u00e9st",
            "request=list#a b#",
            "request=list##",
            "request=list#unterminated",
            "request=status&name=%zz",
            "request=status&name=%4",
            "request=list\r",
            "request=list?"
        };
        try (PcpConsumer c = server.connect()) {
            for (String line : malformed) {
                c.sendRaw(line + "\r\n");
                c.expect("?\r\n>");
            }
            c.sendRaw("x".repeat(10_000) + "\r\n");
            c.expect("?\r\n>");
            assertThat(c.request(" request = list #tidy# ")).isEqualTo("response=list&result=OK&count=0");
        }
    }

    @Test
    void acceptsBareLineFeeds() throws Exception {
        start(0, true, TIMEOUT);
        try (PcpConsumer c = server.connect()) {
            c.sendRaw("request=list\n");
            c.expect("response=list&result=OK&count=0\r\n>");
        }
    }

    @Test
    void aConsumerThatLeavesMidTransferLeaksNothing() throws Exception {
        int dataPort = FreePorts.belowEphemeralRange();
        start(dataPort, true, TIMEOUT);
        for (int i = 0; i < 3; i++) {
            try (PcpConsumer c = server.connect()) {
                c.request("request=start&name=lobby" + i + "&command=x");
                server.control.addLines("lobby" + i, 5);
                c.request("request=cat&name=lobby" + i);
            }
        }
        // the abandoned transfers are dropped (paranoid leak detection sees their buffers released);
        // a new consumer at the same address gets its own transfer, and then the port serves nothing
        try (PcpConsumer c = server.connect()) {
            String response = c.request("request=cat&name=lobby0");
            assertThat(c.collect(response)).startsWith("line 0\n");
        }
        assertThat(noDataFrom(dataPort)).isTrue();
    }
}
