package io.procgate.docs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replays a documented session ({@code session PROTOCOL} block) on a socket:
 *
 * <ul>
 *   <li>{@code C: bytes} are sent as written;
 *   <li>{@code S: bytes} must be what arrives next, exactly; {@code {time}} stands for
 *       {@code HH:MM:SS}, {@code {addr}} for a peer address and port, {@code {n}} for a number,
 *       {@code {instant}} for an ISO-8601 instant in UTC ({@code 2026-12-03T10:40:00.123Z});
 *       {@code S: (closed)} means the server closes the connection;
 *   <li>{@code D: PORT bytes}: a data connection to PORT delivers exactly these bytes.
 * </ul>
 *
 * Escapes in bytes: {@code \n}, {@code \r}, {@code \t}, {@code \\}, {@code \xHH}; nothing else is
 * added (no line end at the end of a line).
 */
final class SessionReplay {
    private static final int TIMEOUT_MS = 10_000;
    private static final Map<String, String> PLACEHOLDERS = Map.of(
            "{time}", "\\d\\d:\\d\\d:\\d\\d",
            "{addr}", "(?:\\d+\\.\\d+\\.\\d+\\.\\d+|\\[[0-9a-fA-F:]+\\]):\\d+",
            "{n}", "\\d+",
            "{instant}", "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?Z");

    record Step(char kind, String text) {}

    static List<Step> parse(String block) {
        List<Step> steps = new ArrayList<>();
        for (String line : block.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (line.length() < 3
                    || line.charAt(1) != ':'
                    || line.charAt(2) != ' '
                    || "CSD".indexOf(line.charAt(0)) < 0) {
                throw new IllegalArgumentException("not a session line (C:, S: or D:): " + line);
            }
            steps.add(new Step(line.charAt(0), line.substring(3)));
        }
        return steps;
    }

    /** The bytes an escaped text stands for (UTF-8 for everything but escapes). */
    static byte[] unescape(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 == text.length()) {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            char e = text.charAt(++i);
            switch (e) {
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case '\\' -> out.write('\\');
                case 'x' -> {
                    out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> throw new IllegalArgumentException("unknown escape \\" + e + " in " + text);
            }
        }
        return out.toByteArray();
    }

    /** The pattern an {@code S:} text stands for, over the bytes read as ISO-8859-1. */
    static Pattern expected(String text) {
        StringBuilder regex = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            String placeholder = null;
            for (String p : PLACEHOLDERS.keySet()) {
                if (text.startsWith(p, i)) {
                    placeholder = p;
                }
            }
            if (placeholder != null) {
                regex.append(PLACEHOLDERS.get(placeholder));
                i += placeholder.length();
                continue;
            }
            int next = text.length();
            for (String p : PLACEHOLDERS.keySet()) {
                int at = text.indexOf(p, i);
                if (at >= 0 && at < next) {
                    next = at;
                }
            }
            String literal = new String(unescape(text.substring(i, next)), StandardCharsets.ISO_8859_1);
            regex.append(Pattern.quote(literal));
            i = next;
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /** Replays {@code steps} on a connection to {@code server}; data ports go through {@code ports}. */
    static void replay(List<Step> steps, InetSocketAddress server, Map<Integer, Integer> ports) throws IOException {
        replay(steps, server, ports, TIMEOUT_MS);
    }

    /** As above, waiting at most {@code timeoutMs} for each expected byte. */
    static void replay(List<Step> steps, InetSocketAddress server, Map<Integer, Integer> ports, int timeoutMs)
            throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(server, TIMEOUT_MS);
            socket.setSoTimeout(timeoutMs);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            for (Step step : steps) {
                switch (step.kind()) {
                    case 'C' -> {
                        out.write(unescape(step.text()));
                        out.flush();
                    }
                    case 'S' -> expect(in, step.text());
                    case 'D' -> data(server, step.text(), ports);
                    default -> throw new IllegalStateException();
                }
            }
        }
    }

    private static void expect(InputStream in, String text) throws IOException {
        if (text.equals("(closed)")) {
            try {
                int b = in.read();
                if (b >= 0) {
                    throw new AssertionError("expected the server to close, got byte " + b);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("expected the server to close; it stayed open", e);
            } catch (IOException reset) {
                // closed with a reset: closed too
            }
            return;
        }
        Pattern p = expected(text);
        StringBuilder got = new StringBuilder();
        for (; ; ) {
            Matcher m = p.matcher(got);
            if (m.matches()) {
                return;
            }
            if (got.length() > 0 && !m.hitEnd()) {
                throw new AssertionError("expected S: " + text + "\n     got: " + printable(got));
            }
            int b;
            try {
                b = in.read();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("expected S: " + text + "\n  got only: " + printable(got) + " (then silence)");
            }
            if (b < 0) {
                throw new AssertionError("expected S: " + text + "\n  got only: " + printable(got) + " (then closed)");
            }
            got.append((char) b);
        }
    }

    private static void data(InetSocketAddress server, String text, Map<Integer, Integer> ports) throws IOException {
        int space = text.indexOf(' ');
        int documented = Integer.parseInt(text.substring(0, space));
        int port = ports.getOrDefault(documented, documented);
        byte[] expected = unescape(text.substring(space + 1));
        try (Socket data = new Socket()) {
            data.connect(new InetSocketAddress(server.getAddress(), port), TIMEOUT_MS);
            data.setSoTimeout(TIMEOUT_MS);
            byte[] got = data.getInputStream().readAllBytes();
            String gotText = new String(got, StandardCharsets.ISO_8859_1);
            String want = new String(expected, StandardCharsets.ISO_8859_1);
            if (!gotText.equals(want)) {
                throw new AssertionError("expected D: " + text + "\n     got: " + printable(gotText));
            }
        }
    }

    private static String printable(CharSequence s) {
        return s.toString().replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n");
    }
}
