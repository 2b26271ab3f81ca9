package io.procgate.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.procgate.core.auth.Pbkdf2PasswordHasher;
import io.procgate.core.testing.ChildGateway;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded soak of a real gateway (its own JVM, every front-end on its class path): processes that
 * print, crash and restart, clients attached over tcprocd and the web console's WebSocket that leave
 * in the middle of a transfer, SIGHUP reloads, and at the end a {@code kill -9} of the gateway and a
 * start on the same data directory. Then the invariants: every line number once, every line a
 * client saw in the history with the same text, no descriptor, thread or heap growth from the first
 * part of the run to the last, no zombie. The load lasts {@code procgate.soak.seconds} (60 s in
 * {@code ./test}; {@code bench/soak MINUTES} for long runs).
 */
class SoakTest {
    private static final Duration LOAD = Duration.ofSeconds(Long.getLong("procgate.soak.seconds", 60));
    private static final Duration WAIT = ChildGateway.WAIT;
    private static final Duration RELOAD_EVERY = Duration.ofSeconds(5);
    private static final int CLIENT_THREADS = 4;
    /** Lines a client reads before it drops the connection (at random below this). */
    private static final int MAX_LINES_PER_VISIT = 400;
    /** Descriptors and threads the gateway may hold beyond the first sample at the end (pools settle). */
    private static final long FD_SLACK = 8;

    private static final long THREAD_SLACK = 4;
    /** Heap (after a full GC) the gateway may hold beyond the first sample at the end. */
    private static final long HEAP_SLACK_BYTES = 16L << 20;

    private static final String PASSWORD = "soak-pw";
    private static final String HASH =
            new Pbkdf2PasswordHasher(Pbkdf2PasswordHasher.MIN_ITERATIONS).hash(PASSWORD.toCharArray());
    /** Every line a soak child prints: its name, its pid (one run), and its count within the run. */
    private static final Pattern LINE = Pattern.compile("(\\w+) (\\d+) (\\d+)");
    /** Processes that never change in a reload: their clients must never be let go by one. */
    private static final List<String> WATCHED = List.of("ticker", "printer", "crasher");

    @TempDir
    Path tmp;

    private ChildGateway gateway;
    private final Queue<Seen> seen = new ConcurrentLinkedQueue<>();
    private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private final AtomicInteger visits = new AtomicInteger();
    private final AtomicInteger dropsMidTransfer = new AtomicInteger();
    /** Client rounds hold it shared; taking the figures holds it alone, so no client is open then. */
    private final ReentrantReadWriteLock quiet = new ReentrantReadWriteLock();

    /** A line a client acknowledged: its number where the protocol gives one (-1 otherwise). */
    record Seen(String process, long n, String text, String via) {}

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private Path writeConfig(int generation) throws IOException {
        Path conf = tmp.resolve("gateway.conf");
        Files.writeString(
                conf,
                "gateway { data-dir = data, allow-root-children = true, shutdown-timeout = 5s\n"
                        + " http { enabled = true, host = \"127.0.0.1\", port = 0 }\n"
                        + " users.admin { password-hash = \"" + HASH + "\", admin = true }\n"
                        + " tcprocd.listeners = [{ host = \"127.0.0.1\", port = 0 }]\n"
                        + " tcpr.listeners = [{ host = \"127.0.0.1\", port = 0, process = ticker, timestamps = false,"
                        + " password-hash = \"" + HASH + "\" }]\n"
                        + " pcp.listeners = [{ host = \"127.0.0.1\", port = 0, data-port = 0, user = admin }]\n"
                        + " processes {\n"
                        // steady: 200 lines a second, never exits
                        + "  ticker { autostart = true, command = \"\"\"sh -c 'i=0; while :; do echo \"ticker $$ $i\"; i=$((i+1));"
                        + " [ $((i % 20)) -eq 0 ] && sleep 0.1; done'\"\"\" }\n"
                        // a burst, then a clean exit: restart = always
                        + "  printer { autostart = true, restart = always, restart-backoff = 100ms,"
                        + " command = \"\"\"sh -c 'i=0; while [ $i -lt 500 ]; do echo \"printer $$ $i\"; i=$((i+1)); done; sleep 0.5'\"\"\" }\n"
                        // prints, then dies by SIGKILL: restart = on-failure
                        + "  crasher { autostart = true, restart = on-failure, restart-backoff = 100ms, restart-window = 1s,"
                        + " restart-max-failures = 10, command = \"\"\"sh -c 'i=0; while [ $i -lt 300 ]; do echo \"crasher $$ $i\"; i=$((i+1)); done;"
                        + " sleep 1; kill -9 $$'\"\"\" }\n"
                        // the one every reload changes
                        + "  spare { autostart = true, command = \"" + (generation % 2 == 0 ? "cat" : "cat -u")
                        + "\" }\n"
                        + " } }\n");
        return conf;
    }

    /** The gateway, started on the config, and the ports it bound. */
    private record Ports(InetSocketAddress tcprocd, InetSocketAddress tcpr, InetSocketAddress pcp, int http) {}

    private Ports startGateway(Path conf) throws IOException {
        gateway = ChildGateway.start(tmp, "-c", conf.toString());
        await().atMost(WAIT)
                .until(() -> gateway.out().contains("procgate started")
                        || !gateway.process().isAlive());
        assertThat(gateway.process().isAlive()).as("stdout: %s", gateway.out()).isTrue();
        return new Ports(
                new InetSocketAddress("127.0.0.1", port("tcprocd")),
                new InetSocketAddress("127.0.0.1", port("tcpr")),
                new InetSocketAddress("127.0.0.1", port("pcp")),
                port("http"));
    }

    private int port(String protocol) {
        Matcher m = Pattern.compile(protocol + " listening on 127\\.0\\.0\\.1:(\\d+)")
                .matcher(gateway.out());
        assertThat(m.find())
                .as("%s port in stdout: %s", protocol, gateway.out())
                .isTrue();
        return Integer.parseInt(m.group(1));
    }

    private long count(String part) {
        return gateway.out().lines().filter(l -> l.contains(part)).count();
    }

    @Test
    void aSoakWithFaultsLosesNoLineAndLeaksNothing() throws Exception {
        Path conf = writeConfig(0);
        Ports ports = startGateway(conf);
        WebConsole web = new WebConsole(ports.http(), "admin", PASSWORD);

        long end = System.nanoTime() + LOAD.toNanos();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CLIENT_THREADS; i++) {
            Thread t = new Thread(() -> visitUntil(end, ports, web), "soak-client-" + i);
            t.start();
            clients.add(t);
        }

        int reloads = 0;
        GatewayFigures first = null;
        long firstSampleAt = System.nanoTime() + LOAD.toNanos() / 4;
        while (System.nanoTime() < end && failures.isEmpty()) {
            // The pace of the reloads: nothing to wait for, the clients load the gateway meanwhile.
            TimeUnit.NANOSECONDS.sleep(Math.min(RELOAD_EVERY.toNanos(), Math.max(0, end - System.nanoTime())));
            if (first == null && System.nanoTime() >= firstSampleAt) {
                first = figures(web);
            }
            if (System.nanoTime() < end) {
                reloads++;
                writeConfig(reloads);
                long before = count("configuration reloaded");
                gateway.signal("HUP");
                await().atMost(WAIT).until(() -> count("configuration reloaded") > before);
            }
        }
        for (Thread t : clients) {
            t.join(WAIT.toMillis());
            assertThat(t.isAlive()).as("%s ended", t.getName()).isFalse();
        }
        assertThat(failures).as("client failures").isEmpty();
        assertThat(first).as("figures from the first part of the run").isNotNull();

        // No growth from the first part to the last: the gateway returns to what it held then.
        GatewayFigures firstFigures = first;
        GatewayFigures[] last = new GatewayFigures[1];
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            last[0] = figures(web);
            assertThat(last[0].fds()).as("descriptors").isLessThanOrEqualTo(firstFigures.fds() + FD_SLACK);
            assertThat(last[0].threads()).as("threads").isLessThanOrEqualTo(firstFigures.threads() + THREAD_SLACK);
            assertThat(last[0].heapBytes())
                    .as("heap after GC")
                    .isLessThanOrEqualTo(firstFigures.heapBytes() + HEAP_SLACK_BYTES);
        });
        await().atMost(WAIT)
                .until(() -> GatewayFigures.zombieChildren(gateway.pid()).isEmpty());

        Map<String, Map<Long, String>> before = new HashMap<>();
        for (String p : WATCHED) {
            before.put(p, readHistory(web, p));
        }

        long restarts = count("crasher: started pid") - 1 + count("printer: started pid") - 1;
        assertThat(count("crasher: started pid"))
                .as("the crasher crashed and was restarted")
                .isGreaterThan(1);
        assertThat(count("printer: started pid"))
                .as("the printer exited and was restarted")
                .isGreaterThan(1);

        // The last fault: kill -9 of the gateway, then a start on the same data directory.
        gateway.signal("KILL");
        assertThat(gateway.waitFor()).isEqualTo(137);
        Ports again = startGateway(conf);
        WebConsole web2 = new WebConsole(again.http(), "admin", PASSWORD);
        int checked = 0;
        for (String p : WATCHED) {
            Map<Long, String> kept = before.get(p);
            // lines from the new runs, so that numbering after the crash is checked too
            await().atMost(WAIT).until(() -> lastNumber(web2, p) > kept.size() + 10);
            Map<Long, String> after = readHistory(web2, p);
            for (Map.Entry<Long, String> e : kept.entrySet()) {
                assertThat(after.get(e.getKey()))
                        .as("%s line %d after the kill -9", p, e.getKey())
                        .isEqualTo(e.getValue());
            }
            checked += after.size();
        }
        Map<String, Integer> acknowledgedVia = new java.util.TreeMap<>();
        int acknowledged = 0;
        for (Seen s : seen) {
            acknowledgedVia.merge(s.via(), 1, Integer::sum);
            Map<Long, String> history = readHistoryCached(web2, s.process());
            if (s.n() >= 0) {
                assertThat(history.get(s.n()))
                        .as("%s line %d seen over %s", s.process(), s.n(), s.via())
                        .isEqualTo(s.text());
            } else {
                assertThat(history.containsValue(s.text()))
                        .as("%s line '%s' seen over %s", s.process(), s.text(), s.via())
                        .isTrue();
            }
            acknowledged++;
        }
        assertThat(acknowledgedVia)
                .as("every protocol's clients saw lines")
                .containsOnlyKeys("tcprocd attach", "web console", "TCPR", "PCP cat");
        await().atMost(WAIT)
                .until(() -> GatewayFigures.zombieChildren(gateway.pid()).isEmpty());
        System.out.printf(
                "soak: %d s of load, %d client visits (%d left mid-transfer), %d reloads, %d exits and restarts of children,"
                        + " 1 kill -9 of the gateway; lines checked %d, acknowledged lines checked %d %s, lost: 0;"
                        + " gateway first/last: fds %d/%d, threads %d/%d, heap after GC %.1f/%.1f MiB, zombies 0%n",
                LOAD.toSeconds(),
                visits.get(),
                dropsMidTransfer.get(),
                reloads,
                restarts,
                checked,
                acknowledged,
                acknowledgedVia,
                first.fds(),
                last[0].fds(),
                first.threads(),
                last[0].threads(),
                first.heapBytes() / 1048576.0,
                last[0].heapBytes() / 1048576.0);
    }

    private final Map<String, Map<Long, String>> cache = new HashMap<>();

    private Map<Long, String> readHistoryCached(WebConsole web, String process) throws Exception {
        Map<Long, String> h = cache.get(process);
        if (h == null) {
            h = readHistory(web, process);
            cache.put(process, h);
        }
        return h;
    }

    private static long lastNumber(WebConsole web, String process) throws Exception {
        return WebConsole.JSON
                .readTree(web.get("/api/processes/" + process))
                .get("lines")
                .asLong();
    }

    /**
     * The whole history of {@code process}, by line number, checked on the way: pages follow each
     * other with no gap ({@code missed}) or overlap, so every number from 0 appears exactly once, and
     * within each run of the child (one pid) its own count goes up by one from 0: no line dropped or
     * repeated, whatever the restarts.
     */
    private static Map<Long, String> readHistory(WebConsole web, String process) throws Exception {
        Map<Long, String> history = new HashMap<>();
        Map<String, Long> nextCountOfRun = new HashMap<>();
        long from = 0;
        while (true) {
            JsonNode page = web.lines(process, from);
            assertThat(page.has("missed"))
                    .as("%s: missed lines from %d: %s", process, from, page.get("missed"))
                    .isFalse();
            assertThat(page.get("from").asLong()).isEqualTo(from);
            JsonNode lines = page.get("lines");
            assertThat(page.get("next").asLong()).isEqualTo(from + lines.size());
            for (JsonNode line : lines) {
                String text = line.asText();
                Matcher m = LINE.matcher(text);
                assertThat(m.matches())
                        .as("%s line %d: %s", process, from, text)
                        .isTrue();
                assertThat(m.group(1)).isEqualTo(process);
                long count = Long.parseLong(m.group(3));
                // a run starts at 0 (a pid the kernel gave out again starts a new run)
                long expected = count == 0 ? 0 : nextCountOfRun.getOrDefault(m.group(2), 0L);
                assertThat(Long.parseLong(m.group(3)))
                        .as("%s line %d: %s", process, from, text)
                        .isEqualTo(expected);
                nextCountOfRun.put(m.group(2), expected + 1);
                history.put(from++, text);
            }
            if (lines.size() < WebConsole.PAGE) {
                return history;
            }
        }
    }

    private GatewayFigures figures(WebConsole web) throws Exception {
        quiet.writeLock().lock();
        try {
            // jcmd attaches to the JVM; on a loaded machine an attach may time out, so it is tried again
            await().atMost(WAIT).until(this::fullGc);
            return GatewayFigures.of(gateway.pid(), web.get("/metrics"));
        } finally {
            quiet.writeLock().unlock();
        }
    }

    /** Asks the gateway's JVM for a full GC, so that the heap figure is what is live. */
    private boolean fullGc() throws IOException, InterruptedException {
        Process gc = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(gateway.pid()),
                        "GC.run")
                .redirectErrorStream(true)
                .start();
        gc.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        return gc.waitFor() == 0;
    }

    /** One client thread: visits until the load ends, each visit on a protocol and process at random. */
    private void visitUntil(long end, Ports ports, WebConsole web) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (System.nanoTime() < end && failures.isEmpty()) {
            quiet.readLock().lock();
            try {
                String process = WATCHED.get(random.nextInt(WATCHED.size()));
                int lines = 1 + random.nextInt(MAX_LINES_PER_VISIT);
                switch (random.nextInt(5)) {
                    case 0 -> attach(ports.tcprocd(), process, lines);
                    case 1 -> console(web, process, lines);
                    case 2 -> tcpr(ports.tcpr(), lines);
                    case 3 -> pcpCat(ports.pcp(), web, process, lines);
                    default -> catAndLeave(ports.tcprocd(), process);
                }
                visits.incrementAndGet();
            } catch (Throwable t) {
                failures.add(new AssertionError(Thread.currentThread().getName() + " failed", t));
            } finally {
                quiet.readLock().unlock();
            }
        }
    }

    /** tcprocd attach: reads live lines, then drops the connection with a reset. */
    private void attach(InetSocketAddress address, String process, int lines) throws IOException {
        TcprocdClient c = TcprocdClient.login(address, "admin", PASSWORD);
        try {
            String status = c.attach(process);
            if (!status.equals("OK")) {
                // between two runs of a restarting process
                assertThat(process).as("attach %s: %s", process, status).isNotEqualTo("ticker");
                return;
            }
            for (int i = 0; i < lines; i++) {
                String line;
                try {
                    line = c.readLine();
                } catch (java.io.EOFException exited) {
                    // attach ends when the process exits (printer, crasher): what came before counts
                    assertThat(process).isNotEqualTo("ticker");
                    return;
                }
                if (!line.startsWith("[gateway]")) {
                    seen.add(new Seen(process, -1, line, "tcprocd attach"));
                }
            }
            dropsMidTransfer.incrementAndGet();
        } finally {
            c.abort();
        }
    }

    /** TCPR (it fronts the ticker): live lines, then the connection is dropped. */
    private void tcpr(InetSocketAddress address, int lines) throws IOException {
        TcprClient c = new TcprClient(address, PASSWORD);
        try {
            for (int i = 0; i < lines; i++) {
                String line = c.readLine();
                if (!line.startsWith("[gateway]")) {
                    seen.add(new Seen("ticker", -1, line, "TCPR"));
                }
            }
            dropsMidTransfer.incrementAndGet();
        } finally {
            c.abort();
        }
    }

    /**
     * PCP cat from a recent line; every other time the data connection is left part way. The
     * lines are numbered from the requested one, so each complete line is checked by number.
     */
    private void pcpCat(InetSocketAddress address, WebConsole web, String process, int lines) throws Exception {
        long from = Math.max(0, lastNumber(web, process) - lines);
        boolean leaveEarly = ThreadLocalRandom.current().nextBoolean();
        try (PcpClient c = new PcpClient(address)) {
            int keep = leaveEarly ? lines * 8 : Integer.MAX_VALUE;
            String data = c.cat(process, from, keep);
            int complete = data.lastIndexOf('\n');
            String[] got =
                    complete < 0 ? new String[0] : data.substring(0, complete).split("\n", -1);
            for (int i = 0; i < got.length; i++) {
                seen.add(new Seen(process, from + i, got[i], "PCP cat"));
            }
            if (data.length() == keep) {
                dropsMidTransfer.incrementAndGet();
            }
        }
    }

    /** tcprocd cat from line 0, left after a few bytes: the gateway is in the middle of sending. */
    private void catAndLeave(InetSocketAddress address, String process) throws IOException {
        TcprocdClient c = TcprocdClient.login(address, "admin", PASSWORD);
        try {
            assertThat(c.cat(process, 0)).isEqualTo("OK");
            c.readSome(64);
            dropsMidTransfer.incrementAndGet();
        } finally {
            c.abort();
        }
    }

    /** Web console: history from a recent line, then live, numbered; then the socket is dropped. */
    private void console(WebConsole web, String process, int lines) throws Exception {
        long from = Math.max(0, lastNumber(web, process) - lines / 2);
        WebConsole.Socket socket = web.console(process, from);
        try {
            long expected = from;
            int got = 0;
            while (got < lines) {
                JsonNode frame = socket.next();
                assertThat(frame)
                        .as("%s console frame %d of %d", process, got, lines)
                        .isNotNull();
                String t = frame.get("t").asText();
                if (t.equals("line")) {
                    assertThat(frame.get("n").asLong())
                            .as("%s console numbering", process)
                            .isEqualTo(expected++);
                    seen.add(new Seen(
                            process, frame.get("n").asLong(), frame.get("text").asText(), "web console"));
                    got++;
                } else {
                    assertThat(t).as("%s console frame %s", process, frame).isIn("state", "stats");
                }
            }
            dropsMidTransfer.incrementAndGet();
        } finally {
            socket.abort();
        }
    }
}
