package io.procgate.agones.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Agones SDK sidecar's REST gateway as its published definition describes it ({@code
 * sdks/swagger/sdk.swagger.json} and {@code beta.swagger.json} in googleforgames/agones), on a real
 * loopback socket: it records every call and answers as the SDK does. Empty-bodied calls take
 * {@code sdkEmpty} ({@code {}}); labels take {@code sdkKeyValue}; List values take {@code
 * {"value": "..."}} (required) and keep the List's values: adding one already there is
 * ALREADY_EXISTS (409), removing one that is not is NOT_FOUND (404), a List that the GameServer
 * does not declare is NOT_FOUND. A malformed body is 400, an unknown path 404 (as the
 * grpc-gateway answers). It can be told to fail with 500 or to hang (answer nothing). Shared
 * through this module's test-jar.
 */
public final class FakeAgonesSdk implements AutoCloseable {
    /** One call as it arrived. */
    public record Call(String method, String path, String contentType, String body, long atNanos) {
        @Override
        public String toString() {
            return method + " " + path + " " + body;
        }
    }

    /** How it answers. */
    public enum Mode {
        AS_THE_SDK,
        FAIL_500,
        HANG
    }

    private static final Pattern EMPTY = Pattern.compile("\\{\\s*}");
    private static final Pattern VALUE = Pattern.compile("\\{\\s*\"value\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*}");
    private static final Pattern KEY_VALUE = Pattern.compile(
            "\\{\\s*\"key\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,\\s*\"value\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*}");
    private static final Pattern LIST_CALL = Pattern.compile("/v1beta1/lists/([^/:]+):(addValue|removeValue)");
    private static final Set<String> EMPTY_BODIED = Set.of("/ready", "/health", "/shutdown", "/allocate");

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Call> calls = new ArrayList<>();
    private final Map<String, Set<String>> lists = new ConcurrentHashMap<>();
    private final Map<String, String> labels = new ConcurrentHashMap<>();
    private volatile Mode mode = Mode.AS_THE_SDK;
    private volatile CountDownLatch release = new CountDownLatch(1);

    private FakeAgonesSdk(HttpServer server, Set<String> declaredLists) {
        this.server = server;
        for (String list : declaredLists) {
            lists.put(list, new LinkedHashSet<>());
        }
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** On a free loopback port, with the Lists the GameServer declares. */
    public static FakeAgonesSdk start(String... declaredLists) throws IOException {
        return start(0, declaredLists);
    }

    /** On {@code port} (a sidecar that comes up after the gateway). */
    public static FakeAgonesSdk start(int port, String... declaredLists) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        return new FakeAgonesSdk(server, Set.of(declaredLists));
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void mode(Mode next) {
        Mode before = mode;
        mode = next;
        if (before == Mode.HANG && next != Mode.HANG) {
            release.countDown();
            release = new CountDownLatch(1);
        }
    }

    /** Every call so far, in arrival order. */
    public List<Call> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    public List<Call> calls(String path) {
        return calls().stream().filter(c -> c.path().equals(path)).toList();
    }

    public long count(String path) {
        return calls(path).size();
    }

    /** The calls other than health pings, as {@code METHOD PATH BODY}. */
    public List<String> callsButHealth() {
        return calls().stream()
                .filter(c -> !c.path().equals("/health"))
                .map(Call::toString)
                .toList();
    }

    public Set<String> listValues(String list) {
        synchronized (lists) {
            return Set.copyOf(lists.get(list));
        }
    }

    public Map<String, String> labels() {
        return Map.copyOf(labels);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        synchronized (calls) {
            calls.add(new Call(
                    exchange.getRequestMethod(),
                    path,
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    body,
                    System.nanoTime()));
        }
        switch (mode) {
            case HANG -> {
                try {
                    // the client gives up first; its close ends this exchange
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                answer(exchange, 503, "{\"code\":14,\"message\":\"released\"}");
            }
            case FAIL_500 -> answer(exchange, 500, "{\"code\":13,\"message\":\"internal error\"}");
            case AS_THE_SDK -> answerAsTheSdk(exchange, path, body);
        }
    }

    private void answerAsTheSdk(HttpExchange exchange, String path, String body) throws IOException {
        String method = exchange.getRequestMethod();
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (!"GET".equals(method) && (type == null || !type.startsWith("application/json"))) {
            answer(exchange, 415, error(3, "Content-Type must be application/json"));
            return;
        }
        if (EMPTY_BODIED.contains(path)) {
            if (!"POST".equals(method)) {
                answer(exchange, 405, error(12, "Method Not Allowed"));
            } else if (!EMPTY.matcher(body).matches()) {
                answer(exchange, 400, error(3, "body must be an sdkEmpty {}"));
            } else {
                answer(exchange, 200, "{}");
            }
            return;
        }
        if (path.equals("/metadata/label") || path.equals("/metadata/annotation")) {
            Matcher kv = KEY_VALUE.matcher(body);
            if (!"PUT".equals(method)) {
                answer(exchange, 405, error(12, "Method Not Allowed"));
            } else if (!kv.matches()) {
                answer(exchange, 400, error(3, "body must be an sdkKeyValue"));
            } else {
                if (path.equals("/metadata/label")) {
                    labels.put(kv.group(1), kv.group(2));
                }
                answer(exchange, 200, "{}");
            }
            return;
        }
        Matcher list = LIST_CALL.matcher(path);
        if (list.matches()) {
            answerListCall(exchange, method, list.group(1), list.group(2), body);
            return;
        }
        answer(exchange, 404, error(5, "Not Found"));
    }

    private void answerListCall(HttpExchange exchange, String method, String name, String verb, String body)
            throws IOException {
        Matcher value = VALUE.matcher(body);
        if (!"POST".equals(method)) {
            answer(exchange, 405, error(12, "Method Not Allowed"));
            return;
        }
        if (!value.matches()) {
            answer(exchange, 400, error(3, "body must be {\"value\": \"...\"}"));
            return;
        }
        synchronized (lists) {
            Set<String> values = lists.get(name);
            if (values == null) {
                answer(exchange, 404, error(5, "List not found: " + name));
                return;
            }
            boolean changed = verb.equals("addValue") ? values.add(value.group(1)) : values.remove(value.group(1));
            if (!changed) {
                answer(exchange, verb.equals("addValue") ? 409 : 404, error(verb.equals("addValue") ? 6 : 5, verb));
                return;
            }
            StringBuilder json = new StringBuilder("{\"name\":\"" + name + "\",\"capacity\":\"1000\",\"values\":[");
            json.append(
                    String.join(",", values.stream().map(v -> "\"" + v + "\"").toList()));
            answer(exchange, 200, json.append("]}").toString());
        }
    }

    private static String error(int grpcCode, String message) {
        return "{\"code\":" + grpcCode + ",\"message\":\"" + message.replace("\"", "'") + "\",\"details\":[]}";
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        try {
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            // the client gave up (a hung call it timed out)
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
