package io.procgate.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP side of the gateway as the soak uses it: a logged-in session (cookie), the history
 * read in pages over {@code /lines}, {@code /metrics}, and console WebSockets with the gateway's
 * own Origin.
 */
final class WebConsole {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** The most lines {@code /lines} gives in one answer (specs/web.md §3). */
    static final int PAGE = 10_000;

    private final String base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final String cookie;

    WebConsole(int port, String user, String password) throws IOException, InterruptedException {
        this.base = "http://127.0.0.1:" + port;
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base + "/api/login"))
                        .timeout(TIMEOUT)
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode()
                                .put("user", user)
                                .put("password", password)
                                .toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("login: " + r.statusCode() + " " + r.body());
        }
        cookie = r.headers().firstValue("set-cookie").orElseThrow().split(";", 2)[0];
    }

    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(TIMEOUT)
                        .header("Cookie", cookie)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(path + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    JsonNode lines(String process, long from) throws IOException, InterruptedException {
        return JSON.readTree(get("/api/processes/" + process + "/lines?from=" + from + "&limit=" + PAGE));
    }

    /** A console of {@code process} from line {@code from}; its frames arrive in {@link Socket#next}. */
    Socket console(String process, long from) {
        Socket socket = new Socket();
        http.newWebSocketBuilder()
                .connectTimeout(TIMEOUT)
                .header("Cookie", cookie)
                .header("Origin", base)
                .buildAsync(
                        URI.create(
                                base.replace("http:", "ws:") + "/api/processes/" + process + "/console?from=" + from),
                        socket)
                .join();
        return socket;
    }

    /** One console WebSocket: whole text frames, parsed, in the order they came. */
    static final class Socket implements WebSocket.Listener {
        private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        private volatile WebSocket webSocket;
        private volatile boolean closed;

        @Override
        public void onOpen(WebSocket ws) {
            webSocket = ws;
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    frames.add(JSON.readTree(partial.toString()));
                } catch (IOException e) {
                    throw new IllegalStateException("not JSON: " + partial, e);
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closed = true;
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed = true;
        }

        /** The next frame, or null when none came in time or the socket closed. */
        JsonNode next() throws InterruptedException {
            JsonNode f = frames.poll(closed ? 0 : TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return f;
        }

        /** Drops the connection without a closing handshake: a browser tab that vanishes. */
        void abort() {
            webSocket.abort();
        }
    }
}
