package io.procgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 *   <li>CONSOLES WebSocket consoles on one child printing CHATTY lines as fast as it can ({@code
 *       seq}): lines per second delivered to every console (each checked in order, {@code missed}
 *       ranges counted as not delivered) vs the same child into a pipe ({@code seq | cat});
 *   <li>heap per idle console: IDLE consoles on a quiet process, the gateway's used heap after a
 *       full GC before and after ({@code jcmd GC.heap_info}).
 * </ol>
 *
 * <p>Usage: {@code WebConsoleBench WORKDIR CLASSPATH [BIG] [CONSOLES] [CHATTY] [IDLE]}.
 */
public final class WebConsoleBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
    private String base;
    private String cookie;

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        String classpath = args[1];
        long big = args.length > 2 ? Long.parseLong(args[2]) : 10_000_000L;
        int consoles = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        long chatty = args.length > 4 ? Long.parseLong(args[4]) : 200_000L;
        int idle = args.length > 5 ? Integer.parseInt(args[5]) : 1000;
        new WebConsoleBench().run(work, classpath, big, consoles, chatty, idle);
    }

    private void run(Path work, String classpath, long big, int consoles, long chatty, int idle) throws Exception {
        Files.createDirectories(work);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path conf = work.resolve("gateway.conf");
        Files.writeString(
                conf,
                "gateway { data-dir = \"" + work.resolve("data") + "\", allow-root-children = true\n"
                        + " http { host = \"127.0.0.1\", port = " + port + ", max-consoles-per-user = 100000,"
                        + "  max-connections = 100000, max-connections-per-address = 100000 }\n"
                        + " history { retention = 4 GiB }\n"
                        + " users { bench { password = \"bench\", admin = true } }\n"
                        + " processes {\n"
                        + "  big { command = \"seq 0 " + (big - 1) + "\", autostart = true }\n"
                        + "  small { command = \"seq 0 9\", autostart = true }\n"
                        + "  chatty { command = \"seq 0 " + (chatty - 1) + "\" }\n"
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
            fanOut(gateway.pid(), consoles, chatty);
            idleConsoles(gateway.pid(), idle);
        } finally {
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

    // --- 2. fan-out

    private void fanOut(long gatewayPid, int consoles, long chatty) throws Exception {
        List<Counter> counters = new ArrayList<>();
        for (int i = 0; i < consoles; i++) {
            counters.add(open("/api/processes/chatty/console?from=0"));
        }
        for (Counter c : counters) {
            c.state.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        CpuShare cpu = CpuShare.start(gatewayPid);
        long t0 = System.nanoTime();
        post("/api/processes/chatty/start", "{}");
        for (Counter c : counters) {
            c.done(chatty).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        CpuShare.Result used = cpu.stop();
        long delivered = counters.stream().mapToLong(c -> c.lines).sum();
        long missed = counters.stream().mapToLong(c -> c.missed).sum();
        for (Counter c : counters) {
            c.socket.abort();
        }
        double pipe = pipeSeconds(chatty);
        double perConsole = delivered / (double) consoles / seconds;
        System.out.printf(
                Locale.ROOT,
                "| %d consoles on one `seq` of %,d lines | %,.0f lines/s to each console (%,.0f lines/s in all; %,d of %,d lines missed), gateway %.2f cores, %.2f us CPU per delivered line | `seq | cat`: %,.0f lines/s | ratio %.3f |%n",
                consoles,
                chatty,
                perConsole,
                delivered / seconds,
                missed,
                chatty * consoles,
                used.processCores(),
                used.processCores() * used.wallNanos() / 1e3 / Math.max(1, delivered),
                chatty / pipe,
                perConsole / (chatty / pipe));
    }

    private static double pipeSeconds(long lines) throws Exception {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder("sh", "-c", "seq 0 " + (lines - 1) + " | cat > /dev/null").start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("seq | cat failed");
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    // --- 3. idle consoles

    private void idleConsoles(long gatewayPid, int count) throws Exception {
        long before = usedHeap(gatewayPid);
        List<Counter> open = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            open.add(open("/api/processes/quiet/console"));
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
            c.socket.abort();
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

    /** Counts and checks one console's frames: lines strictly in order from 0, missed ranges skipped. */
    private static final class Counter implements WebSocket.Listener {
        final CompletableFuture<Void> state = new CompletableFuture<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private CompletableFuture<Void> reached;
        private long target = Long.MAX_VALUE;
        WebSocket socket;
        long next;
        long lines;
        long missed;

        synchronized CompletableFuture<Void> done(long count) {
            target = count;
            reached = new CompletableFuture<>();
            if (next >= target) {
                reached.complete(null);
            }
            return reached;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frame(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        private synchronized void frame(String text) {
            JsonNode f;
            try {
                f = JSON.readTree(text);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON: " + text, e);
            }
            switch (f.get("t").asText()) {
                case "state" -> state.complete(null);
                case "line" -> {
                    long n = f.get("n").asLong();
                    if (n != next || !f.get("text").asText().equals(Long.toString(n))) {
                        throw new IllegalStateException("expected line " + next + ", got " + text);
                    }
                    next++;
                    lines++;
                }
                case "missed" -> {
                    if (f.get("from").asLong() != next) {
                        throw new IllegalStateException("missed from " + f.get("from") + " at " + next);
                    }
                    missed += f.get("to").asLong() - next;
                    next = f.get("to").asLong();
                }
                default -> throw new IllegalStateException("unexpected frame " + text);
            }
            if (reached != null && next >= target) {
                reached.complete(null);
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closed.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
            state.completeExceptionally(error);
        }
    }

    private Counter open(String path) throws Exception {
        Counter c = new Counter();
        c.socket = http.newWebSocketBuilder()
                .header("Cookie", cookie)
                .header("Origin", base)
                .buildAsync(URI.create(base.replace("http://", "ws://") + path), c)
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return c;
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
