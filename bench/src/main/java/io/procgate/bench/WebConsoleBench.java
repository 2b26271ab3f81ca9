package io.procgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web console's benchmarks (issue 10), against a gateway in a child JVM (its own heap and CPU),
 * driven over its HTTP API and console WebSockets:
 *
 * <ol>
 *   <li>time to the first screen (the last 100 lines) over {@code /lines?from=-100} on a history of
 *       BIG lines vs one of 10 lines, median of 50 after warming up; every answer is checked (line
 *       numbers and texts are what {@code seq} printed);
 *   <li>one child printing CHATTY numbered 100-byte lines as fast as it can (the {@code line} child
 *       of {@link TcprFanout}: {@code seq}, a write per line), three ways back to back: into a plain
 *       pipe read by this JVM; behind a TCPR listener of the same gateway to CONSOLES TCPR clients
 *       ({@link TcprFanout.Run}); to CONSOLES WebSocket consoles. Lines per second to each client,
 *       the console's ratio to the other two, and CPU per delivered line (the gateway's, from
 *       {@code /proc}; the pipe's reader thread's). Each mode checks its own work: every client got
 *       every line in order or had it announced missed, delivered plus missed is what the child
 *       printed, and the child's history grew by exactly that;
 *   <li>heap per idle console: IDLE consoles on a quiet process, the gateway's used heap after a
 *       full GC before and after ({@code jcmd GC.heap_info}).
 * </ol>
 *
 * <p>Usage: {@code WebConsoleBench WORKDIR CLASSPATH [BIG] [CONSOLES] [CHATTY] [IDLE]}. A failed
 * check ends it with {@code web-console: FAILED: ...} and exit status 1.
 */
public final class WebConsoleBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    /** The chatty child's line: its number in 99 digits (the newline makes 100 bytes). */
    private static final int LINE_DIGITS = 99;

    private static final String TCPR_PASSWORD = "tcprpw";
    /** Unreported runs of the fan-out before the measured ones. */
    private static final int WARMUP_RUNS = 2;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
    private final EventLoopGroup clientLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private String base;
    private int port;
    private String cookie;

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        String classpath = args[1];
        long big = args.length > 2 ? Long.parseLong(args[2]) : 10_000_000L;
        int consoles = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        long chatty = args.length > 4 ? Long.parseLong(args[4]) : 20_000L;
        int idle = args.length > 5 ? Integer.parseInt(args[5]) : 1000;
        try {
            new WebConsoleBench().run(work, classpath, big, consoles, chatty, idle);
        } catch (Exception e) {
            Throwable cause =
                    e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            System.out.flush();
            System.err.println("web-console: FAILED: " + cause);
            System.exit(1);
        }
    }

    private void run(Path work, String classpath, long big, int consoles, long chatty, int idle) throws Exception {
        Files.createDirectories(work);
        port = freePort();
        int tcprPort = freePort();
        Path conf = work.resolve("gateway.conf");
        Files.writeString(
                conf,
                "gateway { data-dir = \"" + work.resolve("data") + "\", allow-root-children = true\n"
                        + " http { host = \"127.0.0.1\", port = " + port + ", max-consoles-per-user = 100000,"
                        + "  max-connections = 100000, max-connections-per-address = 100000 }\n"
                        + " tcpr.listeners = [{ host = \"127.0.0.1\", port = " + tcprPort + ", process = chatty,"
                        + "  password = \"" + TCPR_PASSWORD + "\", timestamps = true, max-clients = 100000 }]\n"
                        + " history { retention = 4 GiB }\n"
                        + " users { bench { password = \"bench\", admin = true } }\n"
                        + " processes {\n"
                        + "  big { command = \"seq 0 " + (big - 1) + "\", autostart = true }\n"
                        + "  small { command = \"seq 0 9\", autostart = true }\n"
                        + "  chatty { command = \"sh -c '" + TcprFanout.script("line", chatty, null) + "'\" }\n"
                        + "  quiet { command = \"cat\", autostart = true }\n"
                        + " } }\n");
        Process gateway = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx2g",
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        classpath,
                        "io.procgate.core.Main",
                        "-c",
                        conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("gateway.log").toFile())
                .start();
        try {
            base = "http://127.0.0.1:" + port;
            awaitUp();
            login();
            awaitLines("big", big);
            awaitLines("small", 10);
            System.out.println("## Web console (issue 10)");
            System.out.println();
            firstScreen(gateway.pid(), big);
            fanOut(gateway.pid(), new InetSocketAddress("127.0.0.1", tcprPort), consoles, chatty);
            idleConsoles(gateway.pid(), idle);
        } finally {
            clientLoop.shutdownGracefully();
            gateway.destroy();
            if (!gateway.waitFor(30, TimeUnit.SECONDS)) {
                gateway.destroyForcibly();
            }
        }
    }

    // --- 1. first screen

    /** Openings of each history measured (after {@link #SCREEN_WARMUP} unmeasured ones). */
    private static final int SCREENS = 300;

    private static final int SCREEN_WARMUP = 100;
    /** Windows of SCREENS openings whose gateway CPU is measured, per history. */
    private static final int CPU_WINDOWS = 5;
    /** The gateway's event loop threads, as {@link CpuShare} groups them. */
    private static final String IO_THREADS = "procgate-io";

    /** One kind of opening: its request, the history's length and how many lines it must answer. */
    private record Screen(String label, String path, long lines, long want) {}

    /**
     * The last 100 lines of both histories (what a console opens with), and the last 10 of the big
     * one (the same answer size as the small history's, so that only the history's length differs),
     * each over a kept-alive connection of its own ({@link ScreenClient}: a request written and its
     * answer read on this thread, no client machinery in between), in turn so that a change in the
     * machine's load hits all alike; then the gateway's CPU per opening, each kind on its own.
     */
    private void firstScreen(long gatewayPid, long big) throws Exception {
        List<Screen> screens = List.of(
                new Screen(
                        String.format(Locale.ROOT, "%,d-line history", big),
                        "/api/processes/big/lines?from=-100",
                        big,
                        100),
                new Screen("10-line history", "/api/processes/small/lines?from=-100", 10, 10),
                new Screen(
                        String.format(Locale.ROOT, "%,d-line history, last 10 only", big),
                        "/api/processes/big/lines?from=-10",
                        big,
                        10));
        List<ScreenClient> clients = new ArrayList<>();
        try {
            for (int k = 0; k < screens.size(); k++) {
                clients.add(new ScreenClient(port, cookie));
            }
            for (int i = 0; i < SCREEN_WARMUP; i++) {
                for (int k = 0; k < screens.size(); k++) {
                    screen(clients.get(k), screens.get(k));
                }
            }
            double[][] ms = new double[screens.size()][SCREENS];
            for (int i = 0; i < SCREENS; i++) {
                for (int j = 0; j < screens.size(); j++) {
                    int k = (i + j) % screens.size(); // each kind first, second and last in turn
                    ms[k][i] = screen(clients.get(k), screens.get(k));
                }
            }
            double[][] cpu = new double[screens.size()][CPU_WINDOWS];
            double[][] io = new double[screens.size()][CPU_WINDOWS];
            for (int w = 0; w < CPU_WINDOWS; w++) {
                for (int k = 0; k < screens.size(); k++) {
                    CpuShare.Result used = screenCpu(gatewayPid, clients.get(k), screens.get(k));
                    cpu[k][w] = used.processCores() * used.wallNanos() / 1e3 / SCREENS;
                    io[k][w] = used.groupNanos(IO_THREADS) / 1e3 / SCREENS;
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "First screen: `/lines?from=-N`, %d openings of each kind in turn after %d; gateway CPU per opening"
                            + " (all its threads / its event loops), median of %d windows of %d openings:%n%n",
                    SCREENS,
                    SCREEN_WARMUP,
                    CPU_WINDOWS,
                    SCREENS);
            System.out.println(
                    "| opening | lines | median ms (p10, p90) | / 10-line history | CPU µs per opening: all / loops"
                            + " | / 10-line history |");
            System.out.println("| --- | --- | --- | --- | --- | --- |");
            double[] base = {median(ms[1]), median(cpu[1]), median(io[1])};
            for (int k = 0; k < screens.size(); k++) {
                double[] sorted = ms[k].clone();
                Arrays.sort(sorted);
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %d | %.2f (%.2f, %.2f) | %.2f | %.0f / %.0f | %.2f / %.2f |%n",
                        screens.get(k).label(),
                        screens.get(k).want(),
                        median(ms[k]),
                        sorted[SCREENS / 10],
                        sorted[SCREENS * 9 / 10],
                        median(ms[k]) / base[0],
                        median(cpu[k]),
                        median(io[k]),
                        median(cpu[k]) / base[1],
                        median(io[k]) / base[2]);
            }
            double worst = Arrays.stream(ms[0]).max().orElseThrow();
            System.out.printf(
                    Locale.ROOT,
                    "%nTarget: the %,d-line screen within 2x of the 10-line one (%.2f), both under 100 ms (slowest of"
                            + " all openings of the big history: %.2f ms).%n",
                    big,
                    median(ms[0]) / base[0],
                    worst);
        } finally {
            for (ScreenClient c : clients) {
                c.close();
            }
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** One opening, checked; its wall time in ms. */
    private static double screen(ScreenClient client, Screen screen) throws Exception {
        long t0 = System.nanoTime();
        String body = client.get(screen.path());
        double ms = (System.nanoTime() - t0) / 1e6;
        checkScreen(body, screen.lines(), screen.want());
        return ms;
    }

    /** The gateway's CPU (its threads, from /proc) over SCREENS openings in a row. */
    private static CpuShare.Result screenCpu(long gatewayPid, ScreenClient client, Screen screen) throws Exception {
        String[] bodies = new String[SCREENS];
        CpuShare cpu = CpuShare.start(gatewayPid);
        for (int i = 0; i < SCREENS; i++) {
            bodies[i] = client.get(screen.path());
        }
        CpuShare.Result used = cpu.stop();
        for (String body : bodies) {
            checkScreen(body, screen.lines(), screen.want());
        }
        return used;
    }

    private static void checkScreen(String body, long lines, long want) throws IOException {
        JsonNode answer = JSON.readTree(body);
        JsonNode got = answer.get("lines");
        if (answer.get("next").asLong() != lines || got.size() != want) {
            throw new IllegalStateException("wrong first screen: " + body);
        }
        for (int i = 0; i < want; i++) {
            if (!got.get(i).asText().equals(Long.toString(lines - want + i))) {
                throw new IllegalStateException("line " + (lines - want + i) + " is " + got.get(i));
            }
        }
    }

    /**
     * A minimal HTTP/1.1 client on one kept-alive socket: GET, then the status line, headers and a
     * {@code Content-Length} body read on the calling thread (anything else fails the run).
     */
    private static final class ScreenClient implements AutoCloseable {
        private final Socket socket;
        private final java.io.InputStream in;
        private final java.io.OutputStream out;
        private final String cookie;

        ScreenClient(int port, String cookie) throws IOException {
            this.socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            this.in = new java.io.BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
            this.cookie = cookie;
        }

        String get(String path) throws IOException {
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookie + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = headerLine();
            long length = -1;
            for (String h; !(h = headerLine()).isEmpty(); ) {
                int colon = h.indexOf(':');
                if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                    length = Long.parseLong(h.substring(colon + 1).trim());
                }
            }
            if (!status.startsWith("HTTP/1.1 200") || length < 0) {
                throw new IllegalStateException(path + ": " + status + (length < 0 ? " (no Content-Length)" : ""));
            }
            return new String(in.readNBytes((int) length), StandardCharsets.UTF_8);
        }

        private String headerLine() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) {
                    throw new IOException("connection closed in the headers");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    // --- 2. fan-out: the same child into a pipe, to TCPR clients, to WebSocket consoles

    private void fanOut(long gatewayPid, InetSocketAddress tcpr, int consoles, long chatty) throws Exception {
        String script = TcprFanout.script("line", chatty, null);
        // warm-up, not reported: both fan-outs at once on a run of the child, at full size, twice
        // (the JIT is still compiling the fan-out's paths after one)
        ChildRun warm = null;
        for (int round = 0; round < WARMUP_RUNS; round++) {
            TcprFanout.Run warmTcpr = tcprClients(tcpr, consoles, chatty);
            List<Counter> warmConsoles = consoles(consoles, chatty);
            warm = runChild(gatewayPid, chatty, t0 -> {
                warmTcpr.receive(t0);
                awaitConsoles(warmConsoles);
                return System.nanoTime();
            });
            warmTcpr.check(false);
            checkConsoles(warmConsoles, warm.base(), chatty);
        }

        TcprFanout.Pipe pipe = TcprFanout.pipeRate(script, chatty);

        TcprFanout.Run tcprRun = tcprClients(tcpr, consoles, chatty);
        ChildRun tcprChild = runChild(gatewayPid, chatty, t0 -> {
            tcprRun.receive(t0);
            return tcprRun.lastEnd();
        });
        tcprRun.check(false);
        CpuShare.Result tcprCpu = tcprChild.cpu();
        TcprFanout.Measured tcprMeasured = new TcprFanout.Measured(tcprRun, tcprCpu);
        double tcprPerClient = tcprMeasured.linesPerSecond() / consoles;

        List<Counter> counters = consoles(consoles, chatty);
        ChildRun wsChild = runChild(gatewayPid, chatty, t0 -> {
            awaitConsoles(counters);
            return System.nanoTime();
        });
        long wsBase = wsChild.base();
        CpuShare.Result wsCpu = wsChild.cpu();
        checkConsoles(counters, wsBase, chatty);
        long wsDelivered = counters.stream().mapToLong(c -> c.lines).sum();
        long wsMissed = counters.stream().mapToLong(c -> c.missed).sum();
        double wsPerClient = wsDelivered / (double) consoles / wsChild.seconds();

        // the same lines again, now from the history: one console replaying them, measured the second
        // time (the live fan-out encodes a line once, so the replay's per-console path is not warm yet)
        Counter replay = null;
        double replaySeconds = 0;
        for (int round = 0; round < 2; round++) {
            replay = open("/api/processes/chatty/console?from=" + wsBase, wsBase, chatty);
            long r0 = System.nanoTime();
            replay.reached.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            replaySeconds = (System.nanoTime() - r0) / 1e9;
            checkConsoles(List.of(replay), wsBase, chatty);
        }

        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "One child, `%s` (%,d lines of 100 bytes, a write per line), three ways in one run:%n%n",
                script,
                chatty);
        System.out.println(
                "| mode | clients | lines/s to each client | delivered / announced missed, of printed"
                        + " | WebSocket console / this | CPU per delivered line (one client): all gateway threads (event loops only) | CPU cores: reader or gateway (+ waiting for a CPU) / machine |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
        System.out.printf(
                Locale.ROOT,
                "| child into a pipe, read by the bench | 1 | %,.0f | %,d / 0, of %,d | %.3f | %.2f µs (the reading thread) | - |%n",
                pipe.linesPerSecond(),
                chatty,
                chatty,
                wsPerClient / pipe.linesPerSecond(),
                pipe.cpuNanosPerLine() / 1e3);
        System.out.printf(
                Locale.ROOT,
                "| procgate TCPR listener | %d | %,.0f | %,d / %,d, of %,d | %.3f | %.2f µs (%.2f µs) | %.2f (+%.2f) / %.2f |%n",
                consoles,
                tcprPerClient,
                tcprRun.delivered(),
                tcprRun.missed(),
                chatty * consoles,
                wsPerClient / tcprPerClient,
                tcprMeasured.cpuNanosPerLine() / 1e3,
                tcprCpu.groupNanos(IO_THREADS) / 1e3 / Math.max(1, tcprRun.delivered()),
                tcprCpu.processCores(),
                tcprCpu.processWaitCores(),
                tcprCpu.machineCores());
        System.out.printf(
                Locale.ROOT,
                "| procgate WebSocket consoles | %d | %,.0f | %,d / %,d, of %,d | 1 | %.2f µs (%.2f µs) | %.2f (+%.2f) / %.2f |%n",
                consoles,
                wsPerClient,
                wsDelivered,
                wsMissed,
                chatty * consoles,
                wsCpu.processCores() * wsCpu.wallNanos() / 1e3 / Math.max(1, wsDelivered),
                wsCpu.groupNanos(IO_THREADS) / 1e3 / Math.max(1, wsDelivered),
                wsCpu.processCores(),
                wsCpu.processWaitCores(),
                wsCpu.machineCores());
        System.out.printf(
                Locale.ROOT,
                "| one WebSocket console replaying the run from the history | 1 | %,.0f | %,d / %,d, of %,d | | | |%n",
                chatty / replaySeconds,
                replay.lines,
                replay.missed,
                chatty);
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "> the child ran (start request to its exit) %.2f s in the last warm-up, %.2f s with the TCPR clients, %.2f s with the"
                        + " consoles; the clients had their last line after %.2f s and %.2f s%n%n"
                        + "> gateway threads, in cores: TCPR: %s; WebSocket: %s%n%n"
                        + "> the bench's own clients (this JVM, one TCPR selector thread, one WebSocket client loop), in"
                        + " cores: %.2f with the TCPR clients, %.2f with the consoles%n%n",
                warm.childSeconds(),
                tcprChild.childSeconds(),
                wsChild.childSeconds(),
                tcprChild.seconds(),
                wsChild.seconds(),
                tcprCpu.byThread(),
                wsCpu.byThread(),
                tcprCpu.ownCores(),
                wsCpu.ownCores());
    }

    /** Waits, while the child runs, for the clients to get its output; returns when they did (nanoTime). */
    private interface WhileRunning {
        long await(long startNanos) throws Exception;
    }

    /** One run of the chatty child: its first history line, the gateway's CPU and the run's wall time. */
    private record ChildRun(long base, CpuShare.Result cpu, double seconds, double childSeconds) {}

    /**
     * Starts the chatty child and waits for its clients ({@code clients}), measuring the gateway's CPU
     * from just before the start; then checks that the child ran and printed exactly {@code lines}
     * more lines into its history.
     */
    private ChildRun runChild(long gatewayPid, long lines, WhileRunning clients) throws Exception {
        long base = historyLines("chatty");
        CpuShare cpu = CpuShare.start(gatewayPid);
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        post("/api/processes/chatty/start", "{}");
        long end = clients.await(t0);
        CpuShare.Result used = cpu.stop();
        awaitLines("chatty", base + lines);
        JsonNode view = JSON.readTree(get("/api/processes/chatty"));
        long after = view.get("lines").asLong();
        if (after != base + lines) {
            throw new TcprFanout.BenchmarkFailure(
                    "the child printed " + (after - base) + " lines into its history, expected " + lines);
        }
        // when the gateway saw it exit: a child held back by its pipe exits late
        Instant exited = Instant.parse(view.get("since").asText());
        return new ChildRun(
                base, used, (end - t0) / 1e9, Duration.between(started, exited).toNanos() / 1e9);
    }

    private long historyLines(String name) throws Exception {
        return JSON.readTree(get("/api/processes/" + name)).get("lines").asLong();
    }

    private static TcprFanout.Run tcprClients(InetSocketAddress tcpr, int count, long lines) throws IOException {
        TcprFanout.Run run =
                new TcprFanout.Run(tcpr, (TCPR_PASSWORD + "\n").getBytes(StandardCharsets.UTF_8), count, lines, true);
        run.connect();
        return run;
    }

    /** COUNT consoles on the chatty process from its next line, each waiting for LINES lines. */
    private List<Counter> consoles(int count, long lines) throws Exception {
        long base = historyLines("chatty");
        List<Counter> counters = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            counters.add(open("/api/processes/chatty/console?from=" + base, base, lines));
        }
        for (Counter c : counters) {
            c.state.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        return counters;
    }

    private static void awaitConsoles(List<Counter> counters) throws Exception {
        for (Counter c : counters) {
            c.reached.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** Every console saw the run's lines in order, each delivered or announced missed, and some delivered. */
    private static void checkConsoles(List<Counter> counters, long base, long lines) throws Exception {
        for (int i = 0; i < counters.size(); i++) {
            Counter c = counters.get(i);
            synchronized (c) {
                if (c.lines == 0) {
                    throw new TcprFanout.BenchmarkFailure("console " + i + " received no line: the child did not run");
                }
                if (c.next != base + lines || c.lines + c.missed != lines) {
                    throw new TcprFanout.BenchmarkFailure("console " + i + ": " + c.lines + " lines delivered and "
                            + c.missed + " announced missed, up to line " + c.next + ", of " + lines
                            + " from line " + base);
                }
            }
            c.socket.close();
        }
    }

    // --- 3. idle consoles

    private void idleConsoles(long gatewayPid, int count) throws Exception {
        long before = usedHeap(gatewayPid);
        List<Counter> open = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            open.add(open("/api/processes/quiet/console", 0, Long.MAX_VALUE));
        }
        for (Counter c : open) {
            c.state.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        long after = usedHeap(gatewayPid);
        long alive = open.stream().filter(c -> !c.closed.isDone()).count();
        if (alive != count) {
            throw new IllegalStateException((count - alive) + " consoles were closed");
        }
        for (Counter c : open) {
            c.socket.close();
        }
        System.out.printf(
                Locale.ROOT,
                "| %,d idle consoles | heap +%.1f KiB per console (used after a full GC: %,d KiB -> %,d KiB) | target <= 16 KiB |%n",
                count,
                (after - before) / 1024.0 / count,
                before / 1024,
                after / 1024);
    }

    private static long usedHeap(long pid) throws Exception {
        run("jcmd", Long.toString(pid), "GC.run");
        String info = run("jcmd", Long.toString(pid), "GC.heap_info");
        Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("no heap figure in: " + info);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + out);
        }
        return out;
    }

    // --- the client

    /**
     * Counts and checks one console's frames: from history line BASE on, line BASE+k must carry the
     * child's number k+1 (the {@code seq} of {@link TcprFanout#script}), strictly in order, {@code
     * missed} ranges skipped; {@link #reached} completes at line BASE+LINES, or exceptionally on a
     * wrong frame or a closed socket.
     */
    private static final class Counter extends SimpleChannelInboundHandler<Object> {
        private static final byte[] LINE_PREFIX = "{\"t\":\"line\",\"n\":".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] LINE_TEXT = ",\"text\":\"".getBytes(StandardCharsets.US_ASCII);
        private static final ByteBuf LINE_PREFIX_BUF = Unpooled.wrappedBuffer(LINE_PREFIX);
        private static final ByteBuf LINE_TEXT_BUF = Unpooled.wrappedBuffer(LINE_TEXT);
        final CompletableFuture<Void> state = new CompletableFuture<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        final CompletableFuture<Void> reached = new CompletableFuture<>();
        private final long base;
        private final long target;
        Channel socket;
        long next;
        long lines;
        long missed;

        Counter(long base, long lines) {
            this.base = base;
            this.next = base;
            this.target = lines == Long.MAX_VALUE ? Long.MAX_VALUE : base + lines;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof TextWebSocketFrame text) {
                if (!chattyLine(text.content())) {
                    frame(text.text());
                }
            } else if (msg instanceof CloseWebSocketFrame) {
                closed.complete(null);
                fail(new TcprFanout.BenchmarkFailure("console closed by the gateway at line " + next));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed.complete(null);
            fail(new TcprFanout.BenchmarkFailure("console closed at line " + next));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable error) {
            closed.completeExceptionally(error);
            fail(error);
            ctx.close();
        }

        private void fail(Throwable error) {
            state.completeExceptionally(error);
            reached.completeExceptionally(error);
        }

        /**
         * The common frame, checked without building a string or a tree (the client must cost less than
         * the gateway it measures): {@code {"t":"line","n":N,"text":"DIGITS"}} with the next number N
         * and the child's number N-BASE+1 in {@link #LINE_DIGITS} digits. False for any other frame,
         * which {@link #frame} then parses and checks in full (and fails on, if it is a wrong line).
         */
        private synchronized boolean chattyLine(ByteBuf f) throws IOException {
            int at = f.readerIndex();
            int end = f.writerIndex();
            int numberDigits = digits(next);
            if (end - at != LINE_PREFIX.length + LINE_TEXT.length + LINE_DIGITS + 2 + numberDigits
                    || !ByteBufUtil.equals(f, at, LINE_PREFIX_BUF, 0, LINE_PREFIX.length)) {
                return false;
            }
            at += LINE_PREFIX.length;
            long n = 0;
            for (int stop = at + numberDigits; at < stop; at++) {
                int d = f.getByte(at) - '0';
                if (d < 0 || d > 9) {
                    return false;
                }
                n = n * 10 + d;
            }
            if (n != next || !ByteBufUtil.equals(f, at, LINE_TEXT_BUF, 0, LINE_TEXT.length)) {
                return false;
            }
            at += LINE_TEXT.length;
            long printed = 0;
            for (int stop = at + LINE_DIGITS; at < stop; at++) {
                int d = f.getByte(at) - '0';
                if (d < 0 || d > 9 || printed > Long.MAX_VALUE / 10) {
                    return false;
                }
                printed = printed * 10 + d;
            }
            if (printed != n - base + 1 || f.getByte(at) != '"' || f.getByte(at + 1) != '}') {
                return false;
            }
            next++;
            lines++;
            if (next > target) {
                throw new TcprFanout.BenchmarkFailure("line " + next + " after the run's last, " + target);
            }
            if (next == target) {
                reached.complete(null);
            }
            return true;
        }

        private static int digits(long n) {
            int d = 1;
            for (long v = n; v >= 10; v /= 10) {
                d++;
            }
            return d;
        }

        private synchronized void frame(String text) throws IOException {
            JsonNode f;
            try {
                f = JSON.readTree(text);
            } catch (IOException e) {
                throw new TcprFanout.BenchmarkFailure("not JSON: " + text);
            }
            switch (f.get("t").asText()) {
                case "state" -> state.complete(null);
                case "stats" -> {
                    // live figures of the running child: not counted
                }
                case "line" -> {
                    long n = f.get("n").asLong();
                    String printed = f.get("text").asText();
                    if (n != next || printed.length() != LINE_DIGITS || Long.parseLong(printed) != n - base + 1) {
                        throw new TcprFanout.BenchmarkFailure("expected line " + next + ", got " + text);
                    }
                    next++;
                    lines++;
                }
                case "missed" -> {
                    long to = f.get("to").asLong();
                    if (f.get("from").asLong() != next || to <= next) {
                        throw new TcprFanout.BenchmarkFailure("missed " + text + " at line " + next);
                    }
                    missed += to - next;
                    next = to;
                }
                default -> throw new TcprFanout.BenchmarkFailure("unexpected frame " + text);
            }
            if (next > target) {
                throw new TcprFanout.BenchmarkFailure("line " + next + " after the run's last, " + target);
            }
            if (next == target) {
                reached.complete(null);
            }
        }
    }

    /** A console WebSocket on Netty (one client loop for all): the JDK's client hands each message to a thread. */
    private Counter open(String path, long firstLine, long lines) throws Exception {
        Counter c = new Counter(firstLine, lines);
        URI uri = URI.create(base.replace("http://", "ws://") + path);
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .customHeaders(new DefaultHttpHeaders().set("Cookie", cookie).set("Origin", base))
                .maxFramePayloadLength(1 << 20)
                .handleCloseFrames(false)
                .build();
        CompletableFuture<Void> handshaken = new CompletableFuture<>();
        Bootstrap b = new Bootstrap()
                .group(clientLoop)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16))
                                .addLast(new WebSocketClientProtocolHandler(config))
                                .addLast(new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                        if (evt
                                                == WebSocketClientProtocolHandler.ClientHandshakeStateEvent
                                                        .HANDSHAKE_COMPLETE) {
                                            handshaken.complete(null);
                                        }
                                        ctx.fireUserEventTriggered(evt);
                                    }
                                })
                                .addLast(c);
                    }
                });
        c.socket = b.connect(uri.getHost(), uri.getPort()).sync().channel();
        handshaken.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return c;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void awaitUp() throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(
                                        HttpRequest.newBuilder(URI.create(base + "/healthz"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the gateway did not come up");
    }

    private void awaitLines(String name, long lines) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode p = JSON.readTree(get("/api/processes/" + name));
            if (p.get("lines").asLong() >= lines && !p.get("state").asText().equals("running")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " did not print " + lines + " lines");
    }

    private String csrf;

    private void login() throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base + "/api/login"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"bench\",\"password\":\"bench\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("login: " + r.statusCode() + " " + r.body());
        }
        cookie = r.headers().firstValue("set-cookie").orElseThrow().split(";", 2)[0];
        csrf = JSON.readTree(r.body()).get("csrf").asText();
    }

    private String get(String path) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Cookie", cookie)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    private void post(String path, String body) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Cookie", cookie)
                        .header("X-CSRF-Token", csrf)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + ": " + r.statusCode() + " " + r.body());
        }
    }
}
