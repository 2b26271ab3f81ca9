package io.procgate.soak;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** A PCP consumer as the soak uses it: {@code request=cat} and its data transfer. */
final class PcpClient implements AutoCloseable {
    private static final int TIMEOUT_MS = 20_000;

    private final Socket socket = new Socket();
    private final InputStream in;
    private final OutputStream out;

    PcpClient(InetSocketAddress address) throws IOException {
        socket.connect(address, TIMEOUT_MS);
        socket.setSoTimeout(TIMEOUT_MS);
        in = new java.io.BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        expectPrompt();
    }

    /** The lines from {@code from} on, or at most the first {@code keep} bytes of them if the transfer is left early. */
    String cat(String name, long from, int keep) throws IOException {
        out.write(("request=cat&name=" + name + "&line=" + from + "\r\n").getBytes(StandardCharsets.US_ASCII));
        Map<String, String> answer = pairs(readLine());
        if (!"OK".equals(answer.get("result"))) {
            throw new IOException("cat " + name + ": " + answer);
        }
        if (!answer.containsKey("port")) {
            expectPrompt();
            return "";
        }
        int size = Integer.parseInt(answer.get("size"));
        byte[] data;
        try (Socket transfer = new Socket()) {
            transfer.connect(
                    new InetSocketAddress(socket.getInetAddress(), Integer.parseInt(answer.get("port"))), TIMEOUT_MS);
            transfer.setSoTimeout(TIMEOUT_MS);
            data = transfer.getInputStream().readNBytes(Math.min(size, keep));
            if (data.length < size) {
                transfer.setSoLinger(true, 0); // gone mid-transfer, with a reset
            }
        }
        out.write('$');
        expectPrompt();
        return new String(data, StandardCharsets.UTF_8);
    }

    private void expectPrompt() throws IOException {
        int b = in.read();
        if (b != '>') {
            throw new IOException("expected the prompt, got " + b);
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("closed in a line");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    private static Map<String, String> pairs(String payload) throws IOException {
        if (payload.equals("?")) {
            throw new IOException("the server could not process the request");
        }
        Map<String, String> pairs = new HashMap<>();
        for (String pair : payload.split("&")) {
            String[] kv = pair.split("=", 2);
            pairs.put(kv[0], kv[1]);
        }
        return pairs;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
