package io.procgate.http.web;

import io.procgate.core.Gateway;
import io.procgate.core.GatewayConfig;
import java.io.IOException;
import java.net.CookieManager;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real gateway for the browser tests, in this JVM, serving the web console on loopback: users
 * {@code alice}, {@code bob} and {@code admin} (an admin), each with the password {@code NAME-pw},
 * and the processes the test declares. It can be stopped and started again on the same port and
 * data directory, as an operator restarting it would.
 */
final class WebGateway implements AutoCloseable {
    static final String ALICE = "alice";
    static final String BOB = "bob";
    static final String ADMIN = "admin";

    private final Path dir;
    private final String processes;
    private final int port;
    private Gateway gateway;

    private WebGateway(Path dir, String processes, int port) {
        this.dir = dir;
        this.processes = processes;
        this.port = port;
    }

    static String password(String user) {
        return user + "-pw";
    }

    /** A gateway on {@code dir} with {@code processes} declared under {@code gateway.processes}. */
    static WebGateway start(Path dir, String processes) {
        return start(dir, processes, 0);
    }

    /** The same on a fixed {@code port}, for tests that restart it. */
    static WebGateway start(Path dir, String processes, int port) {
        WebGateway g = new WebGateway(dir, processes, port);
        g.start();
        return g;
    }

    void start() {
        String hocon = "gateway {\n"
                + "  data-dir = \"" + dir.resolve("data") + "\"\n"
                + "  shutdown-timeout = 5s\n"
                + "  allow-root-children = true\n"
                + "  http { host = \"127.0.0.1\", port = " + port + " }\n"
                + "  users {\n"
                + "    alice { password = \"alice-pw\" }\n"
                + "    bob { password = \"bob-pw\" }\n"
                + "    admin { password = \"admin-pw\", admin = true }\n"
                + "  }\n"
                + "  processes {\n" + processes + "\n  }\n"
                + "}\n";
        gateway = Gateway.start(GatewayConfig.parse(hocon));
    }

    /** Stops the gateway (its children with it); {@link #start()} brings it back. */
    void stop() {
        gateway.close();
        gateway = null;
    }

    Gateway gateway() {
        return gateway;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) gateway.boundAddresses("http").get(0);
    }

    /** {@code http://127.0.0.1:PORT}, the page's origin. */
    String base() {
        return "http://127.0.0.1:" + address().getPort();
    }

    /** The next line number of a process, as the host knows it. */
    long lines(String process) {
        return gateway.host().status(process).orElseThrow().nextLine();
    }

    /** An API client logged in as {@code user}, for what the test does beside the page. */
    Api login(String user) throws IOException, InterruptedException {
        Api api = new Api(base());
        api.login(user, password(user));
        return api;
    }

    @Override
    public void close() {
        if (gateway != null) stop();
    }

    /** The public JSON API over HTTP, with a session cookie and its CSRF token. */
    static final class Api {
        private static final Pattern CSRF = Pattern.compile("\"csrf\"\\s*:\\s*\"([^\"]+)\"");
        private final String base;
        private final HttpClient client;
        private String csrf = "";

        Api(String base) {
            this.base = base;
            this.client = HttpClient.newBuilder()
                    .cookieHandler(new CookieManager())
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
        }

        void login(String user, String password) throws IOException, InterruptedException {
            HttpResponse<String> r =
                    post("/api/login", "{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}");
            Matcher m = CSRF.matcher(r.body());
            if (r.statusCode() != 200 || !m.find()) {
                throw new IOException("login as " + user + ": " + r.statusCode() + " " + r.body());
            }
            csrf = m.group(1);
        }

        HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
            return client.send(
                    HttpRequest.newBuilder(URI.create(base + path))
                            .timeout(Duration.ofSeconds(20))
                            .header("Content-Type", "application/json")
                            .header("X-CSRF-Token", csrf)
                            .POST(HttpRequest.BodyPublishers.ofString(json))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return client.send(
                    HttpRequest.newBuilder(URI.create(base + path))
                            .timeout(Duration.ofSeconds(20))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        /** Writes {@code line} to the process's stdin through {@code POST /input}. */
        void input(String process, String line) throws IOException, InterruptedException {
            HttpResponse<String> r = post(
                    "/api/processes/" + process + "/input",
                    "{\"line\":\"" + line.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
            if (r.statusCode() != 200) throw new IOException("input: " + r.statusCode() + " " + r.body());
        }
    }
}
