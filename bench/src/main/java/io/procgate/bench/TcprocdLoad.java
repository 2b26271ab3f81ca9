package io.procgate.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * A tcprocd load generator: {@code connections} authenticated connections on one selector thread,
 * each keeping {@code depth} requests in flight, for {@code seconds}. Prints requests per second
 * and the p50/p99 latency of a request (from its send to its answer).
 *
 * <p>Usage: {@code TcprocdLoad HOST PORT USER PASSWORD list|command:NAME CONNECTIONS DEPTH SECONDS
 * [SERVER_PID]}: with the server's pid, also the server's CPU time per request over the measured
 * window (from {@code /proc}), which is steadier than a rate on a shared machine.
 * <br>or {@code TcprocdLoad HOST PORT USER PASSWORD idle CONNECTIONS 0 SECONDS}: opens and
 * authenticates the connections, then holds them for {@code SECONDS} (for heap measurements).
 */
public final class TcprocdLoad {
    private static final int MAX_SAMPLES = 5_000_000;

    private final byte[] request;
    private final boolean listRequest;
    private final int depth;
    private final long[] latencies = new long[MAX_SAMPLES];
    private int samples;
    private long completed;
    private boolean measuring;

    private TcprocdLoad(byte[] request, boolean listRequest, int depth) {
        this.request = request;
        this.listRequest = listRequest;
        this.depth = depth;
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String user = args[2];
        String password = args[3];
        String mode = args[4];
        int connections = Integer.parseInt(args[5]);
        int depth = Integer.parseInt(args[6]);
        int seconds = Integer.parseInt(args[7]);
        byte[] request;
        if (mode.equals("list") || mode.equals("idle")) {
            request = "04list".getBytes(StandardCharsets.US_ASCII);
        } else if (mode.startsWith("command:")) {
            request = ("07command" + Tcprocd.field(2, mode.substring(8)) + Tcprocd.field(3, "ping"))
                    .getBytes(StandardCharsets.US_ASCII);
        } else {
            throw new IllegalArgumentException("mode: list, command:NAME or idle");
        }
        TcprocdLoad load = new TcprocdLoad(request, mode.equals("list"), depth);
        long serverPid = args.length > 8 ? Long.parseLong(args[8]) : -1;
        load.run(
                new InetSocketAddress(host, port),
                user,
                password,
                connections,
                seconds,
                mode.equals("idle"),
                serverPid);
    }

    private void run(
            InetSocketAddress address,
            String user,
            String password,
            int connections,
            int seconds,
            boolean idle,
            long serverPid)
            throws IOException, InterruptedException {
        Selector selector = Selector.open();
        List<Connection> all = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            SocketChannel ch = SocketChannel.open(address);
            ch.configureBlocking(true);
            Tcprocd.authenticate(ch, user, password);
            ch.configureBlocking(false);
            Connection c = new Connection(ch);
            c.key = ch.register(selector, SelectionKey.OP_READ, c);
            all.add(c);
        }
        if (idle) {
            System.out.println("authenticated " + connections + " connections; holding them " + seconds + " s");
            Thread.sleep(seconds * 1000L);
            for (Connection c : all) {
                c.channel.close();
            }
            return;
        }
        for (Connection c : all) {
            c.fill();
        }
        long warmupEnd = System.nanoTime() + Math.min(2, seconds / 5 + 1) * 1_000_000_000L;
        long end = warmupEnd + seconds * 1_000_000_000L;
        long measuredFrom = 0;
        CpuShare cpu = null;
        while (true) {
            long now = System.nanoTime();
            if (!measuring && now >= warmupEnd) {
                measuring = true;
                measuredFrom = now;
                cpu = serverPid > 0 ? CpuShare.start(serverPid) : null;
            }
            if (now >= end) {
                break;
            }
            selector.select(100);
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                Connection c = (Connection) key.attachment();
                if (key.isReadable()) {
                    c.read();
                }
                if (key.isValid() && key.isWritable()) {
                    c.flush(key);
                }
            }
        }
        double elapsed = (System.nanoTime() - measuredFrom) / 1e9;
        CpuShare.Result used = cpu == null ? null : cpu.stop();
        if (completed == 0) {
            throw new IOException("no request was answered in the measured window");
        }
        for (Connection c : all) {
            c.channel.close();
        }
        long[] sorted = Arrays.copyOf(latencies, samples);
        Arrays.sort(sorted);
        String cpuText = used == null
                ? ""
                : String.format(
                        Locale.ROOT,
                        ", server CPU %.2f µs/request (%.2f cores; load generator %.2f, machine %.2f)",
                        used.processCores() * used.wallNanos() / 1e3 / completed,
                        used.processCores(),
                        used.ownCores(),
                        used.machineCores());
        System.out.printf(
                Locale.ROOT,
                "requests/s %.0f p50 %.3f ms p99 %.3f ms (%d connections, depth %d, %d requests%s)%n",
                completed / elapsed,
                percentile(sorted, 0.50) / 1e6,
                percentile(sorted, 0.99) / 1e6,
                all.size(),
                depth,
                completed,
                cpuText);
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0
                ? Double.NaN
                : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }

    /** One connection: its send times (a ring of {@code depth}) and a small response parser. */
    private final class Connection {
        private final SocketChannel channel;
        private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        private final ByteBuffer out;
        private final long[] sentAt;
        private SelectionKey key;
        private int head;
        private int inFlight;

        Connection(SocketChannel channel) {
            this.channel = channel;
            this.out = ByteBuffer.allocate(request.length * depth);
            this.sentAt = new long[depth];
        }

        void fill() throws IOException {
            out.clear();
            while (inFlight < depth) {
                out.put(request);
                sentAt[(head + inFlight) % depth] = System.nanoTime();
                inFlight++;
            }
            out.flip();
            channel.write(out);
            if (out.hasRemaining()) {
                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
        }

        void flush(SelectionKey key) throws IOException {
            channel.write(out);
            if (!out.hasRemaining()) {
                key.interestOps(SelectionKey.OP_READ);
            }
        }

        void read() throws IOException {
            if (channel.read(in) < 0) {
                throw new IOException("closed by the server");
            }
            in.flip();
            int answered = 0;
            while (true) {
                int size = responseSize(in);
                if (size < 0) {
                    break;
                }
                in.position(in.position() + size);
                long latency = System.nanoTime() - sentAt[head];
                head = (head + 1) % depth;
                inFlight--;
                answered++;
                if (measuring) {
                    completed++;
                    if (samples < MAX_SAMPLES) {
                        latencies[samples++] = latency;
                    }
                }
            }
            in.compact();
            if (answered > 0 && out.remaining() == 0) {
                fill();
            }
        }

        /** The byte length of the complete response at the buffer's position, or -1 if it is not all here. */
        private int responseSize(ByteBuffer buf) throws IOException {
            int p = buf.position();
            if (buf.remaining() < 2) {
                return -1;
            }
            int statusLength = (buf.get(p) - '0') * 10 + (buf.get(p + 1) - '0');
            int size = 2 + statusLength;
            if (buf.remaining() < size) {
                return -1;
            }
            if (buf.get(p + 2) != 'O' || statusLength != 2) {
                String status = StandardCharsets.US_ASCII
                        .decode(buf.slice(p + 2, statusLength))
                        .toString();
                throw new IOException("status " + status);
            }
            if (!listRequest) {
                return size;
            }
            if (buf.remaining() < size + 1) {
                return -1;
            }
            int digits = buf.get(p + size) - '0';
            if (buf.remaining() < size + 1 + digits) {
                return -1;
            }
            int dataLength = 0;
            for (int i = 0; i < digits; i++) {
                dataLength = dataLength * 10 + (buf.get(p + size + 1 + i) - '0');
            }
            size += 1 + digits + dataLength;
            return buf.remaining() < size ? -1 : size;
        }
    }
}
