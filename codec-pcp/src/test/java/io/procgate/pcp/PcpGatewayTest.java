package io.procgate.pcp;

import static io.procgate.pcp.PcpConsumer.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import io.procgate.core.Gateway;
import io.procgate.core.GatewayConfig;
import io.procgate.core.GatewayException;
import io.procgate.core.testing.FreePorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End to end: PCP consumers on plain sockets driving a real {@link Gateway} with real children. The
 * tests run as root, so the PCP user's children run as {@code nobody}.
 */
class PcpGatewayTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private Path workDir;
    private Gateway gateway;

    @BeforeEach
    void workDir() throws IOException {
        // children run as nobody: it must be able to enter its working directory
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        workDir = Files.createDirectories(tmp.resolve("lobby"));
        Files.setPosixFilePermissions(workDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private String config(String pcpListeners) {
        return "gateway {\n"
                + "  data-dir = \"" + tmp.resolve("data") + "\"\n"
                + "  shutdown-timeout = 5s\n"
                + "  http.enabled = false\n"
                + "  users {\n"
                + "    cabinet { password = \"x\", run-as { user = \"nobody\" } }\n"
                + "    other { password = \"y\", run-as { user = \"nobody\" } }\n"
                + "  }\n"
                + "  pcp.listeners = [" + pcpListeners + "]\n"
                + "}\n";
    }

    private Gateway start(String pcpListeners) {
        return startWith("", pcpListeners);
    }

    private Gateway startWith(String extra, String pcpListeners) {
        gateway = Gateway.start(GatewayConfig.parse(config(pcpListeners) + extra));
        return gateway;
    }

    private InetSocketAddress pcp(int index) {
        return (InetSocketAddress) gateway.boundAddresses("pcp").get(index);
    }

    private PcpConsumer connect(int listener) throws IOException {
        PcpConsumer c = new PcpConsumer(pcp(listener));
        c.expectPrompt();
        return c;
    }

    private static String enc(String s) {
        return PcpPayload.percentEncode(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Waits until {@code name} has printed {@code lines} lines, asking on a connection of its own. */
    private void awaitLines(String name, long lines) throws IOException {
        try (PcpConsumer probe = connect(0)) {
            Awaitility.await()
                    .atMost(WAIT)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> ("response=status&result=OK&lines=" + lines)
                            .equals(probe.request("request=status&name=" + name + "&lines=?")));
        }
    }

    @Test
    void theSpecExampleSessionByteForByte() throws Exception {
        int dataPort = FreePorts.belowEphemeralRange();
        start("{ host = \"127.0.0.1\", port = 0, data-port = " + dataPort + ", user = cabinet }");
        // two lines, 38 bytes, as in the spec's example
        String command = "sh -c 'printf \"lobby: starting\\nlobby: ready on 25565\\n\"; exec sleep 600'";
        try (PcpConsumer c = new PcpConsumer(pcp(0))) {
            c.expect(">");
            c.sendRaw("request=start&name=lobby&command=" + enc(command) + "&path=" + workDir + "\r\n");
            c.expect("response=start&result=OK\r\n");
            c.expect(">");
            awaitLines("lobby", 2);
            c.sendRaw("request=cat&name=lobby&line=0\r\n");
            c.expect("response=cat&result=OK&lines=2&port=" + dataPort + "&size=38\r\n");
            byte[] data = PcpConsumer.fetch("127.0.0.1", dataPort, null);
            assertThat(new String(data, StandardCharsets.UTF_8)).isEqualTo("lobby: starting\nlobby: ready on 25565\n");
            assertThat(c.silentFor(100)).as("no prompt before the $").isTrue();
            c.sendRaw("$");
            c.expect(">");
            c.sendRaw("nonsense\r\n");
            c.expect("?\r\n");
            c.expect(">");
            assertThat(c.silentFor(100)).isTrue();
        }
    }

    @Test
    void answersEveryRequestWithRealProcesses() throws Exception {
        start("{ host = \"127.0.0.1\", port = 0, user = cabinet }, { host = \"127.0.0.1\", port = 0, user = other }");
        try (PcpConsumer c = connect(0);
                PcpConsumer o = connect(1)) {
            assertThat(c.request("request=list")).isEqualTo("response=list&result=OK&count=0");
            // cat echoes what command writes to its stdin
            assertThat(c.request("request=start&name=echo&command=cat&path=" + workDir))
                    .isEqualTo("response=start&result=OK");
            assertThat(c.request("request=start&name=echo&command=cat")).isEqualTo("response=start&result=EXISTS");
            assertThat(c.request("request=start&name=quick&command=" + enc("sh -c 'exit 3'") + "&path=" + workDir))
                    .isEqualTo("response=start&result=OK");
            assertThat(o.request("request=start&name=theirs&command=" + enc("sleep 600") + "&path=" + workDir))
                    .isEqualTo("response=start&result=OK");

            String list = c.request("request=list");
            assertThat(list).matches("response=list&result=OK&count=\\d&port=\\d+&size=\\d+");
            assertThat(c.collect(list)).contains("echo\n").doesNotContain("theirs");

            assertThat(c.request("request=command&name=echo&line=" + enc("hello & goodbye, 100% ü")))
                    .isEqualTo("response=command&result=OK");
            awaitLines("echo", 1);
            String cat = c.request("request=cat&name=echo&line=0");
            assertThat(cat).matches("response=cat&result=OK&lines=1&port=\\d+&size=\\d+");
            assertThat(c.collect(cat)).isEqualTo("hello & goodbye, 100% ü\n");
            assertThat(c.request("request=cat&name=echo&line=1")).isEqualTo("response=cat&result=OK&lines=0");

            String status = c.request("request=status&name=echo");
            assertThat(status).matches("response=status&result=OK&state=running&pid=\\d+&lines=1");
            long pid = Long.parseLong(field(status, "pid"));
            assertThat(gateway.host().status("echo").orElseThrow().pid()).isEqualTo(pid);
            assertThat(c.request("request=status&name=echo&state=?&pid=?"))
                    .isEqualTo("response=status&result=OK&state=running&pid=" + pid);

            Awaitility.await()
                    .atMost(WAIT)
                    .until(() -> c.request("request=status&name=quick&state=?&exit=?")
                            .equals("response=status&result=OK&state=exited&exit=3"));

            assertThat(c.request("request=kill&name=echo")).isEqualTo("response=kill&result=OK");
            Awaitility.await()
                    .atMost(WAIT)
                    .until(() -> c.request("request=status&name=echo&state=?")
                            .equals("response=status&result=OK&state=exited"));
            assertThat(c.request("request=status&name=echo&signal=?&exit=?"))
                    .isEqualTo("response=status&result=OK&signal=SIGTERM");
            assertThat(c.request("request=kill&name=echo")).isEqualTo("response=kill&result=OFFLINE");
            assertThat(c.request("request=command&name=echo&line=x")).isEqualTo("response=command&result=OFFLINE");

            assertThat(c.request("request=status&name=ghost")).isEqualTo("response=status&result=OFFLINE");
            assertThat(c.request("request=cat&name=ghost")).isEqualTo("response=cat&result=OFFLINE");
            assertThat(c.request("request=kill&name=theirs")).isEqualTo("response=kill&result=PERMISSION_DENIED");
            assertThat(c.request("request=cat&name=theirs")).isEqualTo("response=cat&result=PERMISSION_DENIED");
            assertThat(c.request("request=command&name=theirs&line=x"))
                    .isEqualTo("response=command&result=PERMISSION_DENIED");
            assertThat(c.request("request=status&name=bad%2Fname")).isEqualTo("response=status&result=ERROR");
            assertThat(c.request("request=cat&name=echo&line=1e3")).isEqualTo("response=cat&result=ERROR");
            assertThat(c.request("request=status&name=echo&colour=blue&state=?"))
                    .isEqualTo("response=status&result=OK&state=exited");
        }
    }

    @Test
    void reportsWhyAStartFailed() throws Exception {
        start("{ host = \"127.0.0.1\", port = 0, user = cabinet }");
        try (PcpConsumer c = connect(0)) {
            // a first run that works makes the name cabinet's (a name whose very first start failed
            // has no owner yet in the host, so only an admin could read its status)
            assertThat(c.request("request=start&name=broken&command=true&path=" + workDir))
                    .isEqualTo("response=start&result=OK");
            Awaitility.await()
                    .atMost(WAIT)
                    .until(() -> c.request("request=status&name=broken&state=?&exit=?")
                            .equals("response=status&result=OK&state=exited&exit=0"));
            assertThat(c.request(
                            "request=start&name=broken&command=" + enc("/no/such/program --flag") + "&path=" + workDir))
                    .isEqualTo("response=start&result=UNKNOWN");
            String status = c.request("request=status&name=broken");
            assertThat(status).startsWith("response=status&result=OK&state=").contains("&error=");
            assertThat(status.length() + 2).isLessThanOrEqualTo(256);
            assertThat(PcpPayload.parse(status).value("error")).contains("/no/such/program");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void transfersOnBothDataPortModes(boolean fixed) throws Exception {
        int dataPort = fixed ? FreePorts.belowEphemeralRange() : 0;
        start("{ host = \"127.0.0.1\", port = 0, data-port = " + dataPort + ", user = cabinet }");
        try (PcpConsumer c = connect(0)) {
            c.request("request=start&name=feed&command=" + enc("sh -c 'seq 1 1000; exec sleep 600'") + "&path="
                    + workDir);
            awaitLines("feed", 1000);
            List<Integer> ports = new ArrayList<>();
            for (int from : new int[] {0, 500, 999}) {
                String cat = c.request("request=cat&name=feed&line=" + from);
                assertThat(field(cat, "lines")).isEqualTo(Integer.toString(1000 - from));
                ports.add(Integer.parseInt(field(cat, "port")));
                String data = c.collect(cat);
                assertThat(data).startsWith((from + 1) + "\n").endsWith("\n1000\n".substring(from == 999 ? 1 : 0));
            }
            if (fixed) {
                assertThat(ports).containsOnly(dataPort);
            } else {
                assertThat(ports).doesNotHaveDuplicates().doesNotContain(pcp(0).getPort());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void transfersOnTheNioTransportToo(boolean fixed) throws Exception {
        int dataPort = fixed ? FreePorts.belowEphemeralRange() : 0;
        startWith(
                "gateway.transport = nio\n",
                "{ host = \"127.0.0.1\", port = 0, data-port = " + dataPort + ", user = cabinet }");
        try (PcpConsumer c = connect(0)) {
            c.request("request=start&name=feed&command=" + enc("sh -c 'seq 1 3; exec sleep 600'") + "&path=" + workDir);
            awaitLines("feed", 3);
            assertThat(c.collect(c.request("request=cat&name=feed"))).isEqualTo("1\n2\n3\n");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aTransferNobodyCollectsTimesOut(boolean fixed) throws Exception {
        int dataPort = fixed ? FreePorts.belowEphemeralRange() : 0;
        start("{ host = \"127.0.0.1\", port = 0, data-port = " + dataPort + ", user = cabinet,"
                + " transfer-timeout = 300ms }");
        try (PcpConsumer c = connect(0)) {
            c.request("request=start&name=feed&command=" + enc("sh -c 'seq 1 3; exec sleep 600'") + "&path=" + workDir);
            awaitLines("feed", 3);
            String cat = c.request("request=cat&name=feed");
            int port = Integer.parseInt(field(cat, "port"));
            c.expect("?\r\n");
            c.expect(">");
            assertThat(noDataFrom(port))
                    .as("the dropped transfer serves nothing")
                    .isTrue();
            c.ack(); // too late: ignored
            assertThat(c.request("request=status&name=feed&lines=?")).isEqualTo("response=status&result=OK&lines=3");
            assertThat(c.collect(c.request("request=cat&name=feed&line=2"))).isEqualTo("3\n");
        }
    }

    private static boolean noDataFrom(int port) {
        try {
            return PcpConsumer.fetch("127.0.0.1", port, null).length == 0;
        } catch (IOException refused) {
            return true;
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void refusesADataConnectionFromAnotherAddress(boolean fixed) throws Exception {
        int dataPort = fixed ? FreePorts.belowEphemeralRange() : 0;
        start("{ host = \"127.0.0.1\", port = 0, data-port = " + dataPort + ", user = cabinet }");
        try (PcpConsumer c = connect(0)) {
            c.request("request=start&name=feed&command=" + enc("sh -c 'seq 1 3; exec sleep 600'") + "&path=" + workDir);
            awaitLines("feed", 3);
            String cat = c.request("request=cat&name=feed");
            int port = Integer.parseInt(field(cat, "port"));
            byte[] stolen = PcpConsumer.fetch("127.0.0.1", port, InetAddress.getByName("127.0.0.2"));
            assertThat(stolen)
                    .as("a data connection from 127.0.0.2 gets nothing")
                    .isEmpty();
            assertThat(c.silentFor(100)).isTrue();
            assertThat(c.collect(cat)).isEqualTo("1\n2\n3\n");
            assertThat(noDataFrom(port))
                    .as("and the transfer is served only once")
                    .isTrue();
        }
    }

    @Test
    void withoutPromptsOnlyTheFirstIsSent() throws Exception {
        start("{ host = \"127.0.0.1\", port = 0, user = cabinet, prompt = false }");
        try (PcpConsumer c = new PcpConsumer(pcp(0))) {
            c.expect(">");
            c.send("request=list");
            c.expect("response=list&result=OK&count=0\r\n");
            c.send("nonsense");
            c.expect("?\r\n");
            c.send("request=status&name=ghost");
            c.expect("response=status&result=OFFLINE\r\n");
            assertThat(c.silentFor(100)).isTrue();
        }
    }

    @Test
    void rejectsEveryMalformedPayloadAndStaysUsable() throws Exception {
        start("{ host = \"127.0.0.1\", port = 0, user = cabinet }");
        String[] malformed = {
            "", // an empty line
            " \t", // nothing but whitespace
            "#only-a-comment#",
            "request=list&k=" + "v".repeat(240), // 257 bytes with the CRLF
            PcpPayloadParserTest.pairs(65), // more than 64 pairs
            "=list", // an empty key
            "request=", // an empty value
            "request=list&name", // a missing '='
            "&request=list", // a leading '&'
            "request=list&", // a trailing '&'
            "request=list&&name=a", // a doubled '&'
            "request=li st=x", // a byte outside Text ('=' in a value)
            "request=list!", // a byte outside Text
            "request=list\u00ff", // a byte outside Text
            "request=list\0", // a byte outside Text
            "request=list\r", // a CR inside the line
            "request=list?", // '?' that is not the whole value
            "request=list#a b#", // a comment with whitespace
            "request=list##", // an empty comment
            "request=list#a=b#", // a comment that is not Text
            "request=list#unterminated", // an unterminated comment
            "request=status&name=%zz", // a malformed escape
            "request=status&name=%4", // a truncated escape
            "nonsense", // not a payload at all
            "name=lobby&request=status", // first key is not request
            "request=reboot", // an unknown verb
            "request=status", // a missing required parameter
            "request=start&name=x", // a missing required parameter
        };
        try (PcpConsumer c = connect(0)) {
            for (String line : malformed) {
                c.sendRaw((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                c.expect("?\r\n>");
            }
            c.sendRaw("x".repeat(100_000) + "\n");
            c.expect("?\r\n>");
            assertThat(c.request(" request\t= #see# list ")).isEqualTo("response=list&result=OK&count=0");
            assertThat(c.request("re#k#quest=list")).isEqualTo("response=list&result=OK&count=0");
        }
    }

    @Test
    void fiftyConsumersAtOnceEachWithItsOwnTransfers() throws Exception {
        runConsumers(0, 50, 3);
    }

    @Test
    void fiftyConsumersAtOnceShareAFixedDataPortOneAtATime() throws Exception {
        runConsumers(FreePorts.belowEphemeralRange(), 50, 2);
    }

    private void runConsumers(int dataPort, int consumers, int transfersEach) throws Exception {
        start("{ host = \"127.0.0.1\", port = 0, data-port = " + dataPort + ", user = cabinet }");
        try (PcpConsumer c = connect(0)) {
            c.request("request=start&name=feed&command=" + enc("sh -c 'seq 1 2000; exec sleep 600'") + "&path="
                    + workDir);
        }
        awaitLines("feed", 2000);
        ExecutorService pool = Executors.newFixedThreadPool(consumers);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < consumers; i++) {
                int id = i;
                results.add(pool.submit((Callable<Integer>) () -> {
                    try (PcpConsumer c = connect(0)) {
                        go.await();
                        String name = "c" + id;
                        assertThat(c.request("request=start&name=" + name + "&command="
                                        + enc("printf 'hello from " + name + "\\n'") + "&path=" + workDir))
                                .isEqualTo("response=start&result=OK");
                        int done = 0;
                        for (int t = 0; t < transfersEach; t++) {
                            int from = (id * 37 + t * 11) % 2000;
                            String cat = c.request("request=cat&name=feed&line=" + from);
                            String data = c.collect(cat);
                            assertThat(data).startsWith((from + 1) + "\n").endsWith("\n2000\n");
                            assertThat(data.split("\n")).hasSize(2000 - from);
                            done++;
                        }
                        Awaitility.await()
                                .atMost(WAIT)
                                .until(() -> c.request("request=status&name=" + name + "&lines=?")
                                        .equals("response=status&result=OK&lines=1"));
                        assertThat(c.collect(c.request("request=cat&name=" + name)))
                                .isEqualTo("hello from " + name + "\n");
                        return done + 1;
                    }
                }));
            }
            go.countDown();
            for (Future<Integer> f : results) {
                assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(transfersEach + 1);
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aDataPortInUseFailsTheStartWithOneClearLine() throws Exception {
        int dataPort = FreePorts.belowEphemeralRange();
        try (ServerSocket taken = new ServerSocket(dataPort, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> start("{ port = 0, data-port = " + dataPort + ", user = cabinet }"))
                    .isInstanceOf(GatewayException.class)
                    .hasMessage("pcp: cannot set up listeners: cannot open the data port 127.0.0.1:" + dataPort
                            + ": address already in use");
        }
        gateway = null;
    }

    @Test
    void theFixedDataPortIsReleasedWhenTheGatewayStops() throws Exception {
        int dataPort = FreePorts.belowEphemeralRange();
        start("{ port = 0, data-port = " + dataPort + ", user = cabinet }");
        assertThatThrownBy(() -> new ServerSocket(dataPort, 1, InetAddress.getByName("127.0.0.1")).close())
                .as("bound while the gateway runs")
                .isInstanceOf(IOException.class);
        gateway.close();
        gateway = null;
        try (ServerSocket free = new ServerSocket(dataPort, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(free.getLocalPort()).isEqualTo(dataPort);
        }
    }

    @Test
    void rejectsABadListenerConfiguration() {
        assertThatThrownBy(() -> start("{ port = 0, user = cabinet, colour = red }"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("colour");
        assertThatThrownBy(() -> start("{ port = 0, user = cabinet, prompt = often }"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("prompt");
        assertThatThrownBy(() -> start("{ port = 0 }"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("user");
        assertThatThrownBy(() -> start("{ port = 0, user = nobody-configured }"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nobody-configured");
        gateway = null;
    }
}
