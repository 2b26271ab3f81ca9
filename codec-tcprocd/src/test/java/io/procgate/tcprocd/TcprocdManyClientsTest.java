package io.procgate.tcprocd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A thousand clients at once, each logging in and running a start / cat / kill cycle on a process of
 * its own: every answer must be right. The clients are non-blocking connections driven by one
 * selector thread.
 */
class TcprocdManyClientsTest {
    private static final int CLIENTS = 1000;

    @org.junit.jupiter.api.io.TempDir
    static Path dir;

    static TestGateway gateway;

    @BeforeAll
    static void startGateway() {
        gateway = TestGateway.start(dir);
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    /** What a client waits for. */
    private enum Step {
        GREETING,
        LOGGED_IN,
        STARTED,
        CATTED,
        KILLED,
        DONE
    }

    /** One client: its connection, what it waits for, what it has received. */
    private static final class Client {
        final int id;
        final String name;
        final SocketChannel channel;
        final ByteBuffer in = ByteBuffer.allocate(4096);
        ByteBuffer out = ByteBuffer.allocate(0);
        Step step = Step.GREETING;
        long retryAt;
        int cats;

        Client(int id, SocketChannel channel) {
            this.id = id;
            this.name = "many-" + id;
            this.channel = channel;
        }

        void send(byte[] bytes) {
            ByteBuffer more = ByteBuffer.allocate(out.remaining() + bytes.length);
            more.put(out).put(bytes).flip();
            out = more;
        }

        byte[] catRequest() {
            return TcprocdWire.cat(name, 0);
        }
    }

    @Test
    // Mostly the host's time: each start and each kill spawns on an event loop (~25-40 ms each on
    // a loaded 2-core machine). The limits leave room for a slow machine; the log tells the time.
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aThousandConcurrentClientsEachStartCatAndKill() throws IOException {
        SocketAddress address = gateway.tcp();
        List<Client> clients = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < CLIENTS; i++) {
                SocketChannel channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.connect(new InetSocketAddress(
                        ((InetSocketAddress) address).getAddress(), ((InetSocketAddress) address).getPort()));
                Client client = new Client(i, channel);
                clients.add(client);
                channel.register(selector, SelectionKey.OP_CONNECT, client);
            }
            int done = 0;
            long started = System.nanoTime();
            long deadline = started + TimeUnit.SECONDS.toNanos(170);
            while (done < CLIENTS && failures.isEmpty() && System.nanoTime() < deadline) {
                selector.select(10);
                for (SelectionKey key : selector.selectedKeys()) {
                    Client client = (Client) key.attachment();
                    try {
                        if (key.isConnectable() && client.channel.finishConnect()) {
                            key.interestOps(SelectionKey.OP_READ);
                        }
                        if (key.isReadable()) {
                            if (client.channel.read(client.in) < 0) {
                                failures.add(client.name + ": closed while waiting for " + client.step);
                                continue;
                            }
                            if (advance(client, failures)) {
                                done++;
                            }
                        }
                        if (key.isValid() && key.isWritable()) {
                            client.channel.write(client.out);
                        }
                    } catch (IOException e) {
                        failures.add(client.name + ": " + e);
                    }
                }
                selector.selectedKeys().clear();
                long now = System.nanoTime();
                for (Client client : clients) {
                    // A cat that found no output yet is asked again a little later.
                    if (client.retryAt != 0 && now >= client.retryAt) {
                        client.retryAt = 0;
                        client.send(client.catRequest());
                    }
                    SelectionKey key = client.channel.keyFor(selector);
                    if (key != null && key.isValid() && client.channel.isConnected()) {
                        key.interestOps(SelectionKey.OP_READ | (client.out.hasRemaining() ? SelectionKey.OP_WRITE : 0));
                    }
                }
            }
            System.out.printf(
                    "%d of %d clients done in %d ms%n",
                    done, CLIENTS, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            assertThat(failures).isEmpty();
            assertThat(done).isEqualTo(CLIENTS);
        } finally {
            for (Client client : clients) {
                client.channel.close();
            }
        }
    }

    /** Consumes every complete answer in the client's buffer; true when the client finished. */
    private static boolean advance(Client client, List<String> failures) {
        client.in.flip();
        try {
            while (true) {
                int mark = client.in.position();
                String status = readField(client.in, 2);
                if (status == null) {
                    client.in.position(mark);
                    return false;
                }
                String data = "";
                if (client.step == Step.STARTED && client.cats > 0 && status.equals("OK")) {
                    String digits = readRaw(client.in, 1);
                    String length = digits == null ? null : readRaw(client.in, Integer.parseInt(digits));
                    data = length == null ? null : readRaw(client.in, Integer.parseInt(length));
                    if (data == null) {
                        client.in.position(mark);
                        return false;
                    }
                }
                switch (client.step) {
                    case GREETING:
                        expect(client, status, "AUTHENTICATION_REQUIRED", failures);
                        client.send(TcprocdWire.credentials(TestGateway.ALICE, "alice-pw"));
                        client.step = Step.LOGGED_IN;
                        break;
                    case LOGGED_IN:
                        expect(client, status, "OK", failures);
                        client.send(TcprocdWire.start(client.name, "sh -c 'echo hello-" + client.id + "; read x'", ""));
                        client.step = Step.STARTED;
                        break;
                    case STARTED:
                        // Waiting for the start's answer, then for the cat's ones.
                        if (client.cats == 0) {
                            expect(client, status, "OK", failures);
                            client.cats = 1;
                            client.send(client.catRequest());
                            break;
                        }
                        expect(client, status, "OK", failures);
                        if (data.isEmpty()) {
                            client.cats++;
                            client.retryAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
                            break;
                        }
                        if (!data.equals("hello-" + client.id + "\n")) {
                            failures.add(client.name + ": cat gave " + data);
                        }
                        client.send(TcprocdWire.kill(client.name));
                        client.step = Step.KILLED;
                        break;
                    case KILLED:
                        expect(client, status, "OK", failures);
                        client.step = Step.DONE;
                        return true;
                    default:
                        failures.add(client.name + ": unexpected " + status);
                        return false;
                }
            }
        } finally {
            client.in.compact();
        }
    }

    private static void expect(Client client, String status, String expected, List<String> failures) {
        if (!status.equals(expected)) {
            failures.add(client.name + ": " + status + " instead of " + expected + " at " + client.step);
        }
    }

    /** A {@code width}-digit length and its field, or null if not all there yet. */
    private static String readField(ByteBuffer in, int width) {
        String length = readRaw(in, width);
        return length == null ? null : readRaw(in, Integer.parseInt(length));
    }

    private static String readRaw(ByteBuffer in, int n) {
        if (in.remaining() < n) {
            return null;
        }
        byte[] bytes = new byte[n];
        in.get(bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
