package io.procgate.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.zip.CRC32;

/**
 * PCP load against a running gateway:
 *
 * <ul>
 *   <li>{@code status}: 1 and 50 consumers on one selector thread, each doing {@code
 *       request=status} and waiting for the response and the next {@code >}, for a fixed time;
 *       requests per second and the p50/p99 latency (request sent to prompt received).
 *   <li>{@code cat}: the whole history of a process (the lines of {@code FILE}) through the side
 *       port, transfer after transfer (one holds at most 64 MiB), against the same file's bytes sent
 *       over a loopback socket by a plain Java server ({@link FileChannel#transferTo}), read by the
 *       same client code, in the same run. Rounds alternate; the best of each side counts.
 * </ul>
 *
 * <p>Usage: {@code PcpLoad gen FILE LINES} writes the file (before the gateway starts a process
 * that prints it); {@code PcpLoad run HOST PORT NAME FILE GATEWAY_PID SECONDS CONSUMERS ROUNDS}
 * waits for the process to have exited with all its lines, then prints Markdown table rows.
 */
public final class PcpLoad {
    private static final int MAX_SAMPLES = 5_000_000;
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(120);
    private static final long WARMUP_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int READ_BUFFER = 1 << 20;
    /** A status response or a cat announcement is at most 256 bytes with its CRLF (pcp spec 3). */
    private static final int MAX_RESPONSE = 256;

    private PcpLoad() {}

    public static void main(String[] args) throws Exception {
        if (args[0].equals("gen")) {
            Lines.write(Path.of(args[1]), Long.parseLong(args[2]));
            return;
        }
        InetSocketAddress address = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
        String name = args[3];
        Path file = Path.of(args[4]);
        long gatewayPid = Long.parseLong(args[5]);
        int seconds = Integer.parseInt(args[6]);
        String[] consumers = args[7].split(",");
        int rounds = Integer.parseInt(args[8]);
        long size;
        try (FileChannel f = FileChannel.open(file)) {
            size = f.size();
        }
        long lines = size / Lines.LINE_BYTES;
        waitForHistory(address, name, lines);
        for (String c : consumers) {
            statusLoad(address, name, Integer.parseInt(c.trim()), seconds, gatewayPid);
        }
        catRounds(address, name, file, lines, size, rounds, gatewayPid);
    }

    /** Waits until the process has exited and its history holds {@code lines} lines. */
    private static void waitForHistory(InetSocketAddress address, String name, long lines)
            throws IOException, InterruptedException {
        String want = "state=exited&exit=0&lines=" + lines;
        long deadline = System.nanoTime() + WAIT_NANOS;
        try (Session s = new Session(address)) {
            while (true) {
                String status = s.request("request=status&name=" + name);
                if (status.contains(want)) {
                    s.prompt();
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("the process did not finish with " + lines + " lines: " + status);
                }
                s.prompt();
                Thread.sleep(100);
            }
        }
    }

    // ---- status

    private static void statusLoad(InetSocketAddress address, String name, int consumers, int seconds, long pid)
            throws IOException {
        byte[] request = ("request=status&name=" + name + "\r\n").getBytes(StandardCharsets.US_ASCII);
        long[] latencies = new long[MAX_SAMPLES];
        int[] samples = {0};
        long[] completed = {0};
        boolean[] measuring = {false};
        Selector selector = Selector.open();
        List<SocketChannel> channels = new ArrayList<>();
        for (int i = 0; i < consumers; i++) {
            SocketChannel ch = SocketChannel.open(address);
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ, new StatusConsumer(ch, request));
            channels.add(ch);
        }
        long warmupEnd = System.nanoTime() + WARMUP_NANOS;
        long end = warmupEnd + TimeUnit.SECONDS.toNanos(seconds);
        CpuShare cpu = null;
        long measuredFrom = 0;
        while (true) {
            long now = System.nanoTime();
            if (!measuring[0] && now >= warmupEnd) {
                measuring[0] = true;
                measuredFrom = now;
                cpu = CpuShare.start(pid);
            }
            if (now >= end) {
                break;
            }
            selector.select(100);
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                ((StatusConsumer) key.attachment()).onReadable(latency -> {
                    if (measuring[0]) {
                        completed[0]++;
                        if (samples[0] < MAX_SAMPLES) {
                            latencies[samples[0]++] = latency;
                        }
                    }
                });
            }
        }
        double elapsed = (System.nanoTime() - measuredFrom) / 1e9;
        CpuShare.Result used = cpu.stop();
        for (SocketChannel ch : channels) {
            ch.close();
        }
        selector.close();
        long[] sorted = Arrays.copyOf(latencies, samples[0]);
        Arrays.sort(sorted);
        System.out.printf(
                Locale.ROOT,
                "| `status`, %d consumer%s, 1 request in flight each, %d s | %,.0f requests/s, p50 %.3f ms, p99 %.3f ms | | | %.2f / %.2f / %.2f |%n",
                consumers,
                consumers == 1 ? "" : "s",
                seconds,
                completed[0] / elapsed,
                percentile(sorted, 0.50) / 1e6,
                percentile(sorted, 0.99) / 1e6,
                used.processCores(),
                used.ownCores(),
                used.machineCores());
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0
                ? Double.NaN
                : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }

    /** One consumer of the status load: sends its request after every prompt. */
    private static final class StatusConsumer {
        private static final byte[] OK = "response=status&result=OK&".getBytes(StandardCharsets.US_ASCII);
        private final SocketChannel channel;
        private final ByteBuffer request;
        private final ByteBuffer in = ByteBuffer.allocate(4096);
        private long sentAt = -1;
        private boolean checked;

        StatusConsumer(SocketChannel channel, byte[] request) {
            this.channel = channel;
            this.request = ByteBuffer.wrap(request);
        }

        /**
         * Reads what has arrived; at each prompt, reports the latency of the request it completes (if
         * any) and sends the next request.
         */
        void onReadable(LongConsumer completed) throws IOException {
            if (channel.read(in) < 0) {
                throw new IOException("closed by the gateway");
            }
            while (true) {
                int prompt = -1;
                for (int i = 0; i < in.position(); i++) {
                    if (in.get(i) == '>') {
                        prompt = i;
                        break;
                    }
                }
                if (prompt < 0) {
                    if (!in.hasRemaining()) {
                        throw new IOException("no prompt in " + in.position() + " bytes");
                    }
                    return;
                }
                if (sentAt >= 0) {
                    if (!checked) {
                        // the first response must be a status answer (not "?")
                        byte[] head = new byte[Math.min(prompt, OK.length)];
                        in.get(0, head);
                        if (!Arrays.equals(head, OK)) {
                            throw new IOException(
                                    "unexpected response: " + new String(head, StandardCharsets.US_ASCII));
                        }
                        checked = true;
                    }
                    completed.accept(System.nanoTime() - sentAt);
                }
                // drop the response and its prompt
                in.flip().position(prompt + 1);
                in.compact();
                sentAt = System.nanoTime();
                request.rewind();
                channel.write(request);
                if (request.hasRemaining()) {
                    throw new IOException("a 30-byte request did not fit an empty send buffer");
                }
            }
        }
    }

    // ---- cat

    private static void catRounds(
            InetSocketAddress address, String name, Path file, long lines, long size, int rounds, long pid)
            throws IOException {
        long expectedCrc = crc(file);
        try (Session s = new Session(address);
                FileServer plain = new FileServer(file)) {
            // a first round of each, checked byte for byte against the file, warms both up
            CatResult first = s.cat(name, lines, true);
            if (first.bytes != size || first.crc != expectedCrc) {
                throw new IOException("cat returned " + first.bytes + " bytes, CRC " + first.crc + "; the file has "
                        + size + ", CRC " + expectedCrc);
            }
            CRC32 plainCrc = new CRC32();
            long plainBytes = drain(plain.port(), size, plainCrc);
            if (plainBytes != size || plainCrc.getValue() != expectedCrc) {
                throw new IOException("the plain server sent other bytes than the file");
            }
            long bestGateway = Long.MAX_VALUE;
            long bestPlain = Long.MAX_VALUE;
            CpuShare cpu = CpuShare.start(pid);
            long gatewayCpu = 0;
            long gatewayWall = 0;
            for (int round = 0; round < rounds; round++) {
                long t = System.nanoTime();
                drain(plain.port(), size, null);
                bestPlain = Math.min(bestPlain, System.nanoTime() - t);
                CpuShare gw = CpuShare.start(pid);
                t = System.nanoTime();
                s.cat(name, lines, false);
                long took = System.nanoTime() - t;
                CpuShare.Result used = gw.stop();
                gatewayCpu += (long) (used.processCores() * used.wallNanos());
                gatewayWall += used.wallNanos();
                bestGateway = Math.min(bestGateway, took);
            }
            CpuShare.Result all = cpu.stop();
            System.out.printf(
                    Locale.ROOT,
                    "| `cat` of %.0f MB (%,d lines, %d transfers) through the side port, best of %d | %,.0f MB/s | %,.0f MB/s (the same file over a loopback socket, `transferTo`) | %.2f | %.2f while the gateway served / - / %.2f |%n",
                    size / 1e6,
                    lines,
                    first.transfers,
                    rounds,
                    size / 1e6 / (bestGateway / 1e9),
                    size / 1e6 / (bestPlain / 1e9),
                    (double) bestPlain / bestGateway,
                    gatewayCpu / (double) gatewayWall,
                    all.machineCores());
        }
    }

    private static long crc(Path file) throws IOException {
        CRC32 crc = new CRC32();
        ByteBuffer buf = ByteBuffer.allocateDirect(READ_BUFFER);
        try (FileChannel f = FileChannel.open(file)) {
            while (f.read(buf.clear()) > 0) {
                crc.update(buf.flip());
            }
        }
        return crc.getValue();
    }

    /** Reads exactly {@code size} bytes from a fresh connection to {@code port}, then closes it. */
    private static long drain(int port, long size, CRC32 crc) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(READ_BUFFER);
        long read = 0;
        try (SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
            while (read < size) {
                buf.clear();
                if (size - read < buf.capacity()) {
                    buf.limit((int) (size - read));
                }
                int n = ch.read(buf);
                if (n < 0) {
                    throw new IOException("data connection closed after " + read + " of " + size + " bytes");
                }
                read += n;
                if (crc != null) {
                    crc.update(buf.flip());
                }
            }
        }
        return read;
    }

    private record CatResult(long bytes, long crc, int transfers) {}

    /** A blocking PCP session: request, response, prompt. */
    private static final class Session implements AutoCloseable {
        private final SocketChannel channel;
        private final ByteBuffer in = ByteBuffer.allocate(4096);

        Session(InetSocketAddress address) throws IOException {
            channel = SocketChannel.open(address);
            prompt();
        }

        /** Sends one request; returns its response line (without CRLF). */
        String request(String payload) throws IOException {
            ByteBuffer out = ByteBuffer.wrap((payload + "\r\n").getBytes(StandardCharsets.US_ASCII));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            return line();
        }

        private String line() throws IOException {
            while (true) {
                for (int i = 0; i + 1 < in.position(); i++) {
                    if (in.get(i) == '\r' && in.get(i + 1) == '\n') {
                        byte[] text = new byte[i];
                        in.get(0, text);
                        in.flip().position(i + 2);
                        in.compact();
                        return new String(text, StandardCharsets.US_ASCII);
                    }
                }
                if (in.position() > MAX_RESPONSE || channel.read(in) < 0) {
                    throw new IOException("no response line");
                }
            }
        }

        /** Reads the single byte {@code >}. */
        void prompt() throws IOException {
            while (in.position() == 0) {
                if (channel.read(in) < 0) {
                    throw new IOException("closed by the gateway");
                }
            }
            if (in.get(0) != '>') {
                throw new IOException("expected the prompt, got " + (char) in.get(0));
            }
            in.flip().position(1);
            in.compact();
        }

        /** Reads the whole history from line 0, transfer after transfer. */
        CatResult cat(String name, long lines, boolean check) throws IOException {
            CRC32 crc = check ? new CRC32() : null;
            long next = 0;
            long bytes = 0;
            int transfers = 0;
            while (next < lines) {
                String response = request("request=cat&name=" + name + "&line=" + next);
                Map<String, String> pairs = pairs(response);
                if (!"OK".equals(pairs.get("result")) || !pairs.containsKey("port")) {
                    throw new IOException("cat from line " + next + ": " + response);
                }
                long size = Long.parseLong(pairs.get("size"));
                bytes += drain(Integer.parseInt(pairs.get("port")), size, crc);
                channel.write(ByteBuffer.wrap(new byte[] {'$'}));
                prompt();
                next += Long.parseLong(pairs.get("lines"));
                transfers++;
            }
            return new CatResult(bytes, crc == null ? 0 : crc.getValue(), transfers);
        }

        private static Map<String, String> pairs(String payload) {
            Map<String, String> pairs = new HashMap<>();
            for (String pair : payload.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    pairs.putIfAbsent(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
            return pairs;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** The baseline: a plain server on loopback sending the whole file to every connection. */
    private static final class FileServer implements AutoCloseable {
        private final ServerSocketChannel server;
        private final Thread thread;

        FileServer(Path file) throws IOException {
            server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            thread = new Thread(
                    () -> {
                        try (FileChannel f = FileChannel.open(file, StandardOpenOption.READ)) {
                            while (true) {
                                try (SocketChannel ch = server.accept()) {
                                    long sent = 0;
                                    long size = f.size();
                                    while (sent < size) {
                                        sent += f.transferTo(sent, size - sent, ch);
                                    }
                                }
                            }
                        } catch (IOException e) {
                            // the server was closed: the benchmark is over
                        }
                    },
                    "plain-file-server");
            thread.setDaemon(true);
            thread.start();
        }

        int port() throws IOException {
            return ((InetSocketAddress) server.getLocalAddress()).getPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
