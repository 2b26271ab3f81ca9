package io.procgate.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * TCPR fan-out: one child printing numbered 100-byte lines, fanned out to N TCPR clients by a
 * running gateway, and in the same run by {@link BareFanoutServer}, a bare Netty program on the
 * same transport that writes each pipe read unchanged to every client: the ceiling this machine and
 * this client leave to any fan-out. The same child's rate into a plain pipe is shown too.
 *
 * <p>Every run checks its own work and ends the program with an error otherwise: each client must
 * be authenticated, receive the shutdown line, and see the child's lines in order, each line
 * numbered one more than the last unless a {@code [gateway] missed N lines} notice says N were
 * skipped, ending with the child's last line; the lines delivered plus those announced missed must
 * be exactly the lines the child printed. A run where nothing arrived (the child never ran) fails.
 * At the console rate ({@code paced}) no line may be missed at all; the bare ceiling never misses.
 *
 * <p>Children ({@code CHILD}): {@code block}: {@code seq} with its output fully buffered (writes of
 * 4 KiB, about 40 lines, as a program printing bursts does); {@code line}: {@code seq} under the
 * launcher's {@code stdbuf -oL}, one write per line; {@code paced}: {@link PacedLines} at
 * {@value #CONSOLE_RATE} lines per second, one write per line (a chatty modded game server).
 *
 * <p>Usage: {@code TcprFanout HOST TCPR_PORT TCPR_PASSWORD TCPROCD_PORT USER PASSWORD PROCESS
 * GATEWAY_PID LINES CHILD FANOUTS} (FANOUTS: e.g. {@code 1,10,100}). Prints one Markdown table row
 * per fan-out, then the gateway's CPU use per thread group for each.
 */
public final class TcprFanout {
    /** The console-rate child's lines per second. */
    static final int CONSOLE_RATE = 20_000;

    private static final int LINE_CONTENT = 99;
    private static final byte[] SHUTDOWN = "TCPR: server shutting down.".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MISSED = "[gateway] missed ".getBytes(StandardCharsets.US_ASCII);
    private static final int PREFIX = "[HH:MM:SS] ".length();
    /** Baseline runs per fan-out; the best counts. */
    private static final int PIPE_ROUNDS = 3;

    private static final int WARMUP_CLIENTS = 10;
    private static final long AUTH_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long RUN_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(300);

    private TcprFanout() {}

    /** A benchmark's own check failed: the numbers would be meaningless. */
    static final class BenchmarkFailure extends IOException {
        private static final long serialVersionUID = 1L;

        BenchmarkFailure(String message) {
            super(message);
        }
    }

    public static void main(String[] args) throws Exception {
        try {
            run(args);
        } catch (BenchmarkFailure e) {
            System.err.println("tcpr-fanout: FAILED: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        String host = args[0];
        InetSocketAddress tcpr = new InetSocketAddress(host, Integer.parseInt(args[1]));
        byte[] tcprPassword = (args[2] + "\n").getBytes(StandardCharsets.UTF_8);
        InetSocketAddress tcprocd = new InetSocketAddress(host, Integer.parseInt(args[3]));
        String user = args[4];
        String password = args[5];
        String process = args[6];
        long gatewayPid = Long.parseLong(args[7]);
        long lines = Long.parseLong(args[8]);
        String child = args[9];
        boolean paced = child.equals("paced");
        Path pacedReport = paced ? Files.createTempFile("paced-lines", ".txt") : null;
        String script = script(child, lines, pacedReport);
        String commandLine = "sh -c '" + script + "'";

        List<String> notes = new ArrayList<>();
        try (SocketChannel control = SocketChannel.open(tcprocd)) {
            Tcprocd.authenticate(control, user, password);
            // Warm-up, not reported: the gateway's JIT compiles the fan-out path.
            Run warmup = new Run(tcpr, tcprPassword, WARMUP_CLIENTS, lines, true);
            warmup.connect();
            Tcprocd.start(control, process, commandLine);
            warmup.receive(System.nanoTime());
            warmup.check(false);
            for (String f : args[10].split(",")) {
                int clients = Integer.parseInt(f.trim());
                double pipeRate = child.equals("paced")
                        ? CONSOLE_RATE
                        : pipeRate(script, lines).linesPerSecond();

                Measured bare = bare(script, clients, lines);
                String bareChild = paced ? Files.readString(pacedReport).strip() : null;

                Run run = new Run(tcpr, tcprPassword, clients, lines, true);
                run.connect();
                CpuShare cpu = CpuShare.start(gatewayPid);
                long t0 = System.nanoTime();
                Tcprocd.start(control, process, commandLine);
                run.receive(t0);
                CpuShare.Result used = cpu.stop();
                String gatewayChild = paced ? Files.readString(pacedReport).strip() : null;
                try {
                    run.check(paced);
                } catch (BenchmarkFailure e) {
                    // What the child and this load generator did, to tell whose the loss is.
                    throw new BenchmarkFailure(e.getMessage()
                            + (paced ? "; the child: " + gatewayChild : "")
                            + String.format(
                                    Locale.ROOT,
                                    "; CPU cores: gateway %.2f, load generator %.2f, machine %.2f of %d",
                                    used.processCores(),
                                    used.ownCores(),
                                    used.machineCores(),
                                    Runtime.getRuntime().availableProcessors()));
                }
                Measured gateway = new Measured(run, used);
                if (paced) {
                    notes.add("> paced child: with the bare ceiling " + bareChild + "; with procgate " + gatewayChild);
                }

                System.out.printf(
                        Locale.ROOT,
                        "| %s | %d | %,.0f | %s | %s | %.2f (lines %.2f) | %.1f%% / %.1f%% | %.2f / %.2f |%n",
                        child,
                        clients,
                        pipeRate,
                        bare.cell(),
                        gateway.cell(),
                        gateway.bytesPerSecond() / bare.bytesPerSecond(),
                        gateway.linesPerSecond() / bare.linesPerSecond(),
                        100.0 * run.delivered() / ((double) lines * clients),
                        100.0 * run.missed() / ((double) lines * clients),
                        used.processCores(),
                        used.machineCores());
                notes.add(String.format(
                        Locale.ROOT,
                        "> %s child, %d client(s): gateway threads, in cores (CPU seconds per second of the run): %s;"
                                + " bare ceiling: %s",
                        child,
                        clients,
                        used.byThread(),
                        bare.cpu.byThread()));
            }
        }
        for (String note : notes) {
            System.out.printf("%n%s%n", note);
        }
    }

    /** The child's shell script; its lines are numbered from 1, each 99 digits plus the newline. */
    static String script(String child, long lines, Path pacedReport) {
        String seq = "seq -f %0" + LINE_CONTENT + ".0f 1 " + lines;
        return switch (child) {
            // the launcher's stdbuf works by LD_PRELOAD: without it seq buffers fully, as into any pipe
            case "block" -> "unset LD_PRELOAD _STDBUF_O _STDBUF_E; exec " + seq;
            case "line" -> "exec " + seq;
            // only the bench's own classes: a tcprocd command line has at most 999 bytes
            case "paced" ->
                "exec " + java() + " -Xmx32m -XX:TieredStopAtLevel=1 -cp " + ownClasses() + " "
                        + PacedLines.class.getName() + " " + CONSOLE_RATE + " " + lines + " " + pacedReport;
            default -> throw new IllegalArgumentException("CHILD: block, line or paced");
        };
    }

    private static String ownClasses() {
        try {
            return Path.of(PacedLines.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** One fan-out through {@link BareFanoutServer}, started for it as a process of its own. */
    static Measured bare(String script, int clients, long lines) throws IOException, InterruptedException {
        Process server = new ProcessBuilder(
                        java(),
                        "-Xmx512m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        BareFanoutServer.class.getName(),
                        script)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            if (first == null || !first.startsWith("bare fan-out on ")) {
                throw new BenchmarkFailure("the bare fan-out server did not start: " + first);
            }
            int port = Integer.parseInt(
                    first.substring("bare fan-out on ".length()).trim());
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
            byte[] password = "bench\n".getBytes(StandardCharsets.US_ASCII);
            OutputStream control = server.getOutputStream();
            // Warm-up, not reported, as for the gateway: the JIT compiles the ceiling's path too.
            Run warmup = new Run(address, password, WARMUP_CLIENTS, lines, false);
            warmup.connect();
            control.write("start\n".getBytes(StandardCharsets.US_ASCII));
            control.flush();
            warmup.receive(System.nanoTime());
            warmup.check(true);
            Run run = new Run(address, password, clients, lines, false);
            run.connect();
            CpuShare cpu = CpuShare.start(server.pid());
            long t0 = System.nanoTime();
            control.write("start\n".getBytes(StandardCharsets.US_ASCII));
            control.flush();
            run.receive(t0);
            CpuShare.Result used = cpu.stop();
            control.close(); // the server exits now
            run.check(true);
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                throw new BenchmarkFailure("the bare fan-out server did not exit");
            }
            return new Measured(run, used);
        } finally {
            server.destroyForcibly();
        }
    }

    /** A run's rates and CPU. */
    record Measured(Run run, CpuShare.Result cpu) {
        double seconds() {
            return (run.lastEnd() - run.t0) / 1e9;
        }

        double bytesPerSecond() {
            return run.bytes() / seconds();
        }

        /** Lines delivered per second, summed over the clients. */
        double linesPerSecond() {
            return run.delivered() / seconds();
        }

        /** Server CPU nanoseconds per line delivered to one client. */
        double cpuNanosPerLine() {
            return cpu.processCores() * cpu.wallNanos() / run.delivered();
        }

        String cell() {
            return String.format(
                    Locale.ROOT,
                    "%,.1f MB/s, %,.0f lines/s, %.2f µs CPU per line per client (%.2f cores)",
                    bytesPerSecond() / 1e6,
                    linesPerSecond(),
                    cpuNanosPerLine() / 1e3,
                    cpu.processCores());
        }
    }

    /** A child into a plain pipe: its rate, and the reader's CPU (this thread) per line. */
    record Pipe(double linesPerSecond, double cpuNanosPerLine) {}

    /**
     * The child's lines per second into a plain pipe read by this JVM (the {@code child | wc -l} of
     * the gateway's fan-outs), the best of a few runs; each run must count exactly {@code lines}.
     */
    static Pipe pipeRate(String script, long lines) throws IOException, InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long best = Long.MAX_VALUE;
        long bestCpu = 0;
        byte[] buf = new byte[64 * 1024];
        for (int round = 0; round < PIPE_ROUNDS; round++) {
            long start = System.nanoTime();
            long cpu0 = threads.getCurrentThreadCpuTime();
            // the same wrapper the gateway's ChildLauncher uses for output buffering
            Process p = new ProcessBuilder("stdbuf", "-oL", "-eL", "sh", "-c", script)
                    .redirectErrorStream(true)
                    .start();
            long count = 0;
            try (InputStream in = p.getInputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == '\n') {
                            count++;
                        }
                    }
                }
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new BenchmarkFailure("the pipe baseline did not end");
            }
            long elapsed = System.nanoTime() - start;
            if (elapsed < best) {
                best = elapsed;
                bestCpu = threads.getCurrentThreadCpuTime() - cpu0;
            }
            if (count != lines) {
                throw new BenchmarkFailure("the pipe baseline printed " + count + " lines, expected " + lines);
            }
        }
        return new Pipe(lines / (best / 1e9), bestCpu / (double) lines);
    }

    /** One fan-out: its clients on one selector, and their counts. */
    static final class Run {
        private final InetSocketAddress address;
        private final byte[] password;
        private final int count;
        private final long lines;
        private final boolean prefixed;
        private final List<Client> clients = new ArrayList<>();
        private final Selector selector;
        long t0;

        Run(InetSocketAddress address, byte[] password, int count, long lines, boolean prefixed) throws IOException {
            this.address = address;
            this.password = password;
            this.count = count;
            this.lines = lines;
            this.prefixed = prefixed;
            this.selector = Selector.open();
        }

        /** Connects and authenticates every client; they then wait for the process to start. */
        void connect() throws IOException {
            for (int i = 0; i < count; i++) {
                SocketChannel ch = SocketChannel.open(address);
                ch.write(ByteBuffer.wrap(password));
                ch.configureBlocking(false);
                Client c = new Client(i, ch, prefixed);
                ch.register(selector, SelectionKey.OP_READ, c);
                clients.add(c);
            }
            long deadline = System.nanoTime() + AUTH_DEADLINE_NANOS;
            while (clients.stream().anyMatch(c -> !c.authenticated)) {
                if (System.nanoTime() > deadline) {
                    throw new BenchmarkFailure("clients not authenticated within 60 s");
                }
                poll();
                for (Client c : clients) {
                    if (c.done) {
                        throw new BenchmarkFailure("client " + c.id + " was closed before authentication");
                    }
                }
            }
        }

        /** Counts lines until every client has its shutdown line (or was closed). */
        void receive(long start) throws IOException {
            this.t0 = start;
            long deadline = start + RUN_DEADLINE_NANOS;
            while (clients.stream().anyMatch(c -> !c.done)) {
                if (System.nanoTime() > deadline) {
                    throw new BenchmarkFailure("the run did not end within 300 s");
                }
                poll();
            }
            for (Client c : clients) {
                c.channel.close();
            }
            selector.close();
        }

        /** Every line of the child arrived at every client, in order, or was announced missed. */
        void check(boolean noneMissed) throws BenchmarkFailure {
            for (Client c : clients) {
                if (!c.shutdownLine) {
                    throw new BenchmarkFailure("client " + c.id + " was closed without the shutdown line, after line "
                            + (c.expected - 1) + " of " + lines);
                }
                if (c.delivered == 0) {
                    throw new BenchmarkFailure("client " + c.id + " received no line: the child did not run");
                }
                if (c.expected - 1 != lines || c.delivered + c.missed != lines) {
                    throw new BenchmarkFailure("client " + c.id + ": " + c.delivered + " lines delivered and "
                            + c.missed + " announced missed, ending before line " + c.expected + ", of " + lines);
                }
                if (noneMissed && c.missed > 0) {
                    throw new BenchmarkFailure("client " + c.id + " missed " + c.missed + " lines");
                }
            }
        }

        long delivered() {
            return clients.stream().mapToLong(c -> c.delivered).sum();
        }

        long missed() {
            return clients.stream().mapToLong(c -> c.missed).sum();
        }

        long bytes() {
            return clients.stream().mapToLong(c -> c.bytes).sum();
        }

        long lastEnd() {
            return clients.stream().mapToLong(c -> c.endNanos).max().orElseThrow();
        }

        private void poll() throws IOException {
            selector.select(100);
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                Client c = (Client) key.attachment();
                c.read();
                if (c.done) {
                    key.cancel();
                }
            }
        }
    }

    /** One TCPR client: a line scanner over its receive buffer, checking the numbering. */
    private static final class Client {
        private final int id;
        private final SocketChannel channel;
        private final boolean prefixed;
        private final ByteBuffer in = ByteBuffer.allocate(256 * 1024);
        boolean authenticated;
        boolean done;
        boolean shutdownLine;
        long delivered;
        long missed;
        /** Bytes of output received after authentication, shutdown line excluded. */
        long bytes;
        /** The number the next line must carry. */
        long expected = 1;
        /** {@link #expected} as the line's digits. */
        private final byte[] expectedDigits = new byte[LINE_CONTENT];

        long endNanos;

        Client(int id, SocketChannel channel, boolean prefixed) {
            this.id = id;
            this.channel = channel;
            this.prefixed = prefixed;
            digits(expectedDigits, expected);
        }

        void read() throws IOException {
            int n;
            try {
                n = channel.read(in);
            } catch (IOException e) {
                n = -1; // a reset after the shutdown linger counts as the end
            }
            byte[] a = in.array();
            int limit = in.position();
            int start = 0;
            int lineLength = (prefixed ? PREFIX : 0) + LINE_CONTENT + 1;
            while (start < limit) {
                // The common case, checked as strictly and faster than byte by byte: the next line
                // is exactly the expected number (a vectorised comparison with its digits).
                if (authenticated
                        && limit - start >= lineLength
                        && a[start + lineLength - 1] == '\n'
                        && (!prefixed || a[start] == '[' && a[start + PREFIX - 2] == ']')
                        && Arrays.equals(
                                a,
                                start + lineLength - 1 - LINE_CONTENT,
                                start + lineLength - 1,
                                expectedDigits,
                                0,
                                LINE_CONTENT)) {
                    bytes += lineLength;
                    delivered++;
                    expected++;
                    increment(expectedDigits);
                    start += lineLength;
                    continue;
                }
                int end = start;
                while (end < limit && a[end] != '\n') {
                    end++;
                }
                if (end == limit) {
                    break;
                }
                long before = expected;
                line(a, start, end);
                if (expected != before) {
                    digits(expectedDigits, expected);
                }
                start = end + 1;
            }
            System.arraycopy(a, start, a, 0, limit - start);
            in.position(limit - start);
            if (n < 0 && !done) {
                done = true;
                endNanos = System.nanoTime();
            }
        }

        /** {@code value} as the child prints it: {@value #LINE_CONTENT} digits, leading zeros. */
        private static void digits(byte[] out, long value) {
            long v = value;
            for (int i = LINE_CONTENT - 1; i >= 0; i--) {
                out[i] = (byte) ('0' + v % 10);
                v /= 10;
            }
        }

        /** Adds one to a number held as ASCII digits. */
        private static void increment(byte[] number) {
            for (int i = number.length - 1; i >= 0; i--) {
                if (number[i] != '9') {
                    number[i]++;
                    return;
                }
                number[i] = '0';
            }
        }

        private void line(byte[] a, int from, int to) throws IOException {
            if (!authenticated) {
                String text = new String(a, from, to - from, StandardCharsets.UTF_8);
                if (!text.endsWith("is now authenticated")) {
                    throw new BenchmarkFailure("client " + id + ": expected the authenticated line, got: " + text);
                }
                authenticated = true;
                return;
            }
            // "HH:MM:SSTCPR: server shutting down."
            if (a[from] != '[' && startsWith(a, from + 8, to, SHUTDOWN)) {
                shutdownLine = true;
                done = true;
                endNanos = System.nanoTime();
                return;
            }
            int content = from;
            if (prefixed) {
                if (a[from] != '[' || to - from < PREFIX || a[from + PREFIX - 2] != ']') {
                    throw unexpected(a, from, to);
                }
                content += PREFIX;
            }
            bytes += to - from + 1;
            if (startsWith(a, content, to, MISSED)) {
                long m = 0;
                for (int i = content + MISSED.length; i < to && a[i] >= '0' && a[i] <= '9'; i++) {
                    m = m * 10 + (a[i] - '0');
                }
                missed += m;
                expected += m;
                return;
            }
            if (to - content != LINE_CONTENT) {
                throw unexpected(a, from, to);
            }
            long number = 0;
            for (int i = content; i < to; i++) {
                int d = a[i] - '0';
                if (d < 0 || d > 9) {
                    throw unexpected(a, from, to);
                }
                number = number * 10 + d; // 99 digits of a number below 10^18: leading zeros
            }
            if (number != expected) {
                throw new BenchmarkFailure(
                        "client " + id + ": line " + number + " arrived where line " + expected + " was due");
            }
            expected++;
            delivered++;
        }

        private BenchmarkFailure unexpected(byte[] a, int from, int to) {
            return new BenchmarkFailure("client " + id + ": unexpected line: "
                    + new String(a, from, Math.min(to - from, 200), StandardCharsets.UTF_8));
        }

        private static boolean startsWith(byte[] a, int from, int to, byte[] prefix) {
            if (to - from < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (a[from + i] != prefix[i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
