package io.procgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
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

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
    private final EventLoopGroup clientLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private String base;
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
        int port = freePort();
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
            firstScreen(big);
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

    private void firstScreen(long big) throws Exception {
        double bigMs = screenMillis("big", big);
        double smallMs = screenMillis("small", 10);
        System.out.printf(
                Locale.ROOT,
                "| first screen (last 100 lines) | %,d-line history: %.2f ms | 10-line history: %.2f ms | ratio %.2f (target <= 2, both < 100 ms) |%n",
                big,
                bigMs,
                smallMs,
                bigMs / smallMs);
    }

    private double screenMillis(String name, long lines) throws Exception {
        long want = Math.min(100, lines);
        for (int i = 0; i < 20; i++) {
            checkScreen(get("/api/processes/" + name + "/lines?from=-100"), lines, want);
        }
        double[] ms = new double[50];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            String body = get("/api/processes/" + name + "/lines?from=-100");
            ms[i] = (System.nanoTime() - t0) / 1e6;
            checkScreen(body, lines, want);
        }
        Arrays.sort(ms);
        return ms[ms.length / 2];
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

    // --- 2. fan-out: the same child into a pipe, to TCPR clients, to WebSocket consoles

    private void fanOut(long gatewayPid, InetSocketAddress tcpr, int consoles, long chatty) throws Exception {
        String script = TcprFanout.script("line", chatty, null);
        // warm-up, not reported: both fan-outs at once on one run of the child, at full size
        TcprFanout.Run warmTcpr = tcprClients(tcpr, consoles, chatty);
        List<Counter> warmConsoles = consoles(consoles, chatty);
        ChildRun warm = runChild(gatewayPid, chatty, t0 -> {
            warmTcpr.receive(t0);
            awaitConsoles(warmConsoles);
            return System.nanoTime();
        });
        warmTcpr.check(false);
        checkConsoles(warmConsoles, warm.base(), chatty);

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

        // the same lines again, now from the history: one console replaying them
        Counter replay = open("/api/processes/chatty/console?from=" + wsBase, wsBase, chatty);
        long r0 = System.nanoTime();
        replay.reached.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        double replaySeconds = (System.nanoTime() - r0) / 1e9;
        replay.socket.close();
        checkConsoles(List.of(replay), wsBase, chatty);

        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "One child, `%s` (%,d lines of 100 bytes, a write per line), three ways in one run:%n%n",
                script,
                chatty);
        System.out.println(
                "| mode | clients | lines/s to each client | delivered / announced missed, of printed"
                        + " | WebSocket console / this | CPU per delivered line (one client) | CPU cores: reader or gateway (+ waiting for a CPU) / machine |");
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
                "| procgate TCPR listener | %d | %,.0f | %,d / %,d, of %,d | %.3f | %.2f µs | %.2f (+%.2f) / %.2f |%n",
                consoles,
                tcprPerClient,
                tcprRun.delivered(),
                tcprRun.missed(),
                chatty * consoles,
                wsPerClient / tcprPerClient,
                tcprMeasured.cpuNanosPerLine() / 1e3,
                tcprCpu.processCores(),
                tcprCpu.processWaitCores(),
                tcprCpu.machineCores());
        System.out.printf(
                Locale.ROOT,
                "| procgate WebSocket consoles | %d | %,.0f | %,d / %,d, of %,d | 1 | %.2f µs | %.2f (+%.2f) / %.2f |%n",
                consoles,
                wsPerClient,
                wsDelivered,
                wsMissed,
                chatty * consoles,
                wsCpu.processCores() * wsCpu.wallNanos() / 1e3 / Math.max(1, wsDelivered),
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
                "> the child ran (start request to its exit) %.2f s in the warm-up, %.2f s with the TCPR clients, %.2f s with the"
                        + " consoles; the clients had their last line after %.2f s and %.2f s%n%n"
                        + "> gateway threads, in cores: TCPR: %s; WebSocket: %s%n%n",
                warm.childSeconds(),
                tcprChild.childSeconds(),
                wsChild.childSeconds(),
                tcprChild.seconds(),
                wsChild.seconds(),
                tcprCpu.byThread(),
                wsCpu.byThread());
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
                frame(text.text());
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
