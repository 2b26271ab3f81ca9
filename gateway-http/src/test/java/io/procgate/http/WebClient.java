package io.procgate.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A browser-like client of the web API for tests: keeps the session cookie and the CSRF token. */
final class WebClient {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    final String base;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    String cookie;
    String csrf;

    WebClient(String base) {
        this.base = base;
    }

    /** Logs in; asserts nothing (the status tells). */
    HttpResponse<String> login(String user, String password) throws Exception {
        HttpResponse<String> r = post("/api/login", "{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}");
        if (r.statusCode() == 200) {
            cookie = r.headers().firstValue("set-cookie").orElseThrow().split(";", 2)[0];
            csrf = json(r).get("csrf").asText();
        }
        return r;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = request(path).POST(HttpRequest.BodyPublishers.ofString(body));
        if (csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT);
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return b;
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return Json.MAPPER.readTree(r.body());
    }

    /** A console WebSocket with this client's cookie and the gateway's own Origin. */
    Console console(String path) throws Exception {
        return console(path, base);
    }

    Console console(String path, String origin) throws Exception {
        Console listener = new Console();
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(TIMEOUT);
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        listener.socket = b.buildAsync(URI.create(base.replace("http://", "ws://") + path), listener)
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return listener;
    }

    /** Collects the frames of one console; {@link #closeCode} completes when the server closes. */
    static final class Console implements WebSocket.Listener {
        final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;
        volatile boolean paused;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    frames.add(Json.MAPPER.readTree(partial.toString()));
                } catch (IOException e) {
                    throw new AssertionError("not JSON: " + partial, e);
                }
                partial.setLength(0);
            }
            if (!paused) {
                ws.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closeCode.completeExceptionally(error);
        }

        /** The next frame, within the timeout. */
        JsonNode next() throws InterruptedException {
            JsonNode f = frames.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (f == null) {
                throw new AssertionError("no frame within " + TIMEOUT);
            }
            return f;
        }

        /** The next frame of type {@code t}, skipping others. */
        JsonNode next(String t) throws InterruptedException {
            for (; ; ) {
                JsonNode f = next();
                if (f.get("t").asText().equals(t)) {
                    return f;
                }
            }
        }

        void send(String text) {
            socket.sendText(text, true).join();
        }

        int awaitClose() throws Exception {
            return closeCode.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }

        List<JsonNode> drain() {
            List<JsonNode> out = new java.util.ArrayList<>();
            frames.drainTo(out);
            return out;
        }
    }
}
