package io.procgate.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * TCPR fan-out: one child printing {@code LINES} lines of 100 bytes as fast as it can, fanned out
 * by a running gateway to 1, 10, 100 TCPR clients, against the same child's output rate into a
 * plain pipe, measured in the same run just before each fan-out (the machine is shared and noisy,
 * so the ratio is the figure that counts).
 *
 * <p>For each fan-out: all clients connect and authenticate on one selector thread (the process
 * is not running, so they wait for it, tcpr spec section 8), then the child is started with a
 * tcprocd {@code start}; every client counts the lines it receives and the {@code [gateway] missed
 * N lines} notices until the shutdown line. A client's rate is its delivered lines over the time
 * from the start request to its shutdown line.
 *
 * <p>Children ({@code CHILD}): {@code block} is {@code yes LINE | head -n N} (head writes a block of
 * lines at a time, even line-buffered); {@code line} is {@code seq -f %099.0f 1 N}, which under the
 * gateway's {@code stdbuf -oL} writes every line on its own, as a line-buffered server does.
 *
 * <p>Usage: {@code TcprFanout HOST TCPR_PORT TCPR_PASSWORD TCPROCD_PORT USER PASSWORD PROCESS
 * GATEWAY_PID LINES CHILD FANOUTS} (FANOUTS: e.g. {@code 1,10,100}). Prints one Markdown table row
 * per fan-out, then, for each, the gateway's CPU use per thread group.
 */
public final class TcprFanout {
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

    public static void main(String[] args) throws Exception {
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
        String script = switch (child) {
            case "block" -> "yes " + content() + " | head -n " + lines;
            case "line" -> "seq -f %0" + LINE_CONTENT + ".0f 1 " + lines;
            default -> throw new IllegalArgumentException("CHILD: block or line");
        };
        String commandLine = "sh -c '" + script + "'";

        List<String> notes = new ArrayList<>();
        try (SocketChannel control = SocketChannel.open(tcprocd)) {
            Tcprocd.authenticate(control, user, password);
            // Warm-up, not reported: the gateway's JIT compiles the fan-out path.
            Run warmup = new Run(tcpr, tcprPassword, WARMUP_CLIENTS, lines);
            warmup.connect();
            long w0 = System.nanoTime();
            Tcprocd.start(control, process, commandLine);
            warmup.receive(w0);
            for (String f : args[10].split(",")) {
                int clients = Integer.parseInt(f.trim());
                double pipeRate = pipeRate(script, lines);
                Run run = new Run(tcpr, tcprPassword, clients, lines);
                run.connect();
                CpuShare cpu = CpuShare.start(gatewayPid);
                long t0 = System.nanoTime();
                Tcprocd.start(control, process, commandLine);
                run.receive(t0);
                CpuShare.Result used = cpu.stop();
                run.report(child, pipeRate, used);
                notes.add(String.format(
                        Locale.ROOT,
                        "> %s child, %d client(s): gateway threads, in cores (CPU seconds per second of the run): %s;"
                                + " the machine was busy %.2f cores",
                        child,
                        clients,
                        used.byThread(),
                        used.machineCores()));
            }
        }
        for (String note : notes) {
            System.out.printf("%n%s%n", note);
        }
    }

    /** 99 bytes of content, so that a line is 100 bytes with its newline. */
    private static String content() {
        String digits = "0123456789".repeat(10);
        return digits.substring(0, LINE_CONTENT);
    }

    /** The child's lines per second into a plain pipe read by this JVM; the best of a few runs. */
    static double pipeRate(String script, long lines) throws IOException, InterruptedException {
        long best = Long.MAX_VALUE;
        byte[] buf = new byte[64 * 1024];
        for (int round = 0; round < PIPE_ROUNDS; round++) {
            long start = System.nanoTime();
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
                throw new IOException("the pipe baseline did not end");
            }
            best = Math.min(best, System.nanoTime() - start);
            if (count != lines) {
                throw new IOException("the pipe baseline printed " + count + " lines, expected " + lines);
            }
        }
        return lines / (best / 1e9);
    }

    /** One fan-out: its clients on one selector, and their counts. */
    private static final class Run {
        private final InetSocketAddress address;
        private final byte[] password;
        private final int count;
        private final long lines;
        private final List<Client> clients = new ArrayList<>();
        private final Selector selector;
        private long t0;

        Run(InetSocketAddress address, byte[] password, int count, long lines) throws IOException {
            this.address = address;
            this.password = password;
            this.count = count;
            this.lines = lines;
            this.selector = Selector.open();
        }

        /** Connects and authenticates every client; they then wait for the process to start. */
        void connect() throws IOException {
            for (int i = 0; i < count; i++) {
                SocketChannel ch = SocketChannel.open(address);
                ch.write(ByteBuffer.wrap(password));
                ch.configureBlocking(false);
                Client c = new Client(ch);
                ch.register(selector, SelectionKey.OP_READ, c);
                clients.add(c);
            }
            long deadline = System.nanoTime() + AUTH_DEADLINE_NANOS;
            while (clients.stream().anyMatch(c -> !c.authenticated)) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("clients not authenticated within 60 s");
                }
                poll();
                for (Client c : clients) {
                    if (c.done) {
                        throw new IOException("a client was closed before authentication");
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
                    throw new IOException("the run did not end within 300 s");
                }
                poll();
            }
            for (Client c : clients) {
                c.channel.close();
            }
            selector.close();
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

        void report(String child, double pipeRate, CpuShare.Result cpu) {
            double slowest = Double.MAX_VALUE;
            double sum = 0;
            long firstEnd = Long.MAX_VALUE;
            long delivered = 0;
            long missed = 0;
            int unended = 0;
            for (Client c : clients) {
                double rate = c.delivered / ((c.endNanos - t0) / 1e9);
                slowest = Math.min(slowest, rate);
                sum += rate;
                firstEnd = Math.min(firstEnd, c.endNanos);
                delivered += c.delivered;
                missed += c.missed;
                if (!c.shutdownLine) {
                    unended++;
                }
            }
            double mean = sum / clients.size();
            double expected = (double) lines * clients.size();
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %d | %,.0f | %,.0f | %,.0f | %,.0f | %.1f%% / %.1f%% / %.1f%%%s | %.3f (mean %.3f) | %.2f (+%.2f waiting) / %.2f / %.2f |%n",
                    child,
                    clients.size(),
                    pipeRate,
                    lines / ((firstEnd - t0) / 1e9),
                    slowest,
                    mean,
                    100 * delivered / expected,
                    100 * missed / expected,
                    100 * (expected - delivered - missed) / expected,
                    unended > 0 ? " (" + unended + " closed without the shutdown line)" : "",
                    slowest / pipeRate,
                    mean / pipeRate,
                    cpu.processCores(),
                    cpu.processWaitCores(),
                    cpu.ownCores(),
                    cpu.machineCores());
        }
    }

    /** One TCPR client: a line scanner over its receive buffer. */
    private static final class Client {
        private final SocketChannel channel;
        private final ByteBuffer in = ByteBuffer.allocate(256 * 1024);
        boolean authenticated;
        boolean done;
        boolean shutdownLine;
        long delivered;
        long missed;
        long endNanos;

        Client(SocketChannel channel) {
            this.channel = channel;
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
            for (int i = 0; i < limit; i++) {
                if (a[i] == '\n') {
                    line(a, start, i);
                    start = i + 1;
                }
            }
            System.arraycopy(a, start, a, 0, limit - start);
            in.position(limit - start);
            if (n < 0 && !done) {
                done = true;
                endNanos = System.nanoTime();
            }
        }

        private void line(byte[] a, int from, int to) throws IOException {
            if (!authenticated) {
                String text = new String(a, from, to - from, StandardCharsets.UTF_8);
                if (!text.endsWith("is now authenticated")) {
                    throw new IOException("expected the authenticated line, got: " + text);
                }
                authenticated = true;
                return;
            }
            if (a[from] == '[') {
                if (startsWith(a, from + PREFIX, to, MISSED)) {
                    long m = 0;
                    for (int i = from + PREFIX + MISSED.length; i < to && a[i] >= '0' && a[i] <= '9'; i++) {
                        m = m * 10 + (a[i] - '0');
                    }
                    missed += m;
                } else {
                    delivered++;
                }
                return;
            }
            // "HH:MM:SSTCPR: server shutting down."
            if (startsWith(a, from + 8, to, SHUTDOWN)) {
                shutdownLine = true;
                done = true;
                endNanos = System.nanoTime();
                return;
            }
            throw new IOException("unexpected line: " + new String(a, from, to - from, StandardCharsets.UTF_8));
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
