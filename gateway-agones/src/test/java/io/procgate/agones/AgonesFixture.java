package io.procgate.agones;

import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.procgate.core.Gateway;
import io.procgate.host.ProcessState;
import io.procgate.host.ProcessStatus;
import io.procgate.host.StdinResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real gateway (in this JVM, real epoll host, real child) whose process {@code game} echoes
 * every line written to its stdin, so a test decides what it prints and when; {@code exit N} makes
 * it exit with N. Short intervals keep the tests quick.
 */
final class AgonesFixture implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final Duration HEALTH = Duration.ofMillis(100);
    static final String ECHO =
            "sh -c 'while IFS= read -r line; do case \"$line\" in \"exit \"*) exit ${line#exit };; esac;"
                    + " echo \"$line\"; done'";

    final Gateway gateway;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private AgonesFixture(Gateway gateway) {
        this.gateway = gateway;
        gateway.metrics().registry().add(meters);
    }

    /** The gateway config: {@code game} declared with {@code processExtra}, {@code agonesExtra} in gateway.agones. */
    static String config(Path dataDir, int sdkPort, String command, String processExtra, String agonesExtra) {
        return "gateway {\n"
                + "  data-dir = \"" + dataDir + "\"\n"
                + "  allow-root-children = true\n"
                + "  shutdown-timeout = 10s\n"
                + "  processes.game { command = \"\"\"" + command + "\"\"\", autostart = true, kill-grace = 2s\n"
                + "    " + processExtra + " }\n"
                + "  agones { enabled = true, sdk-port = " + sdkPort + ", health-interval = " + HEALTH.toMillis()
                + "ms\n"
                + "    request-timeout = 500ms, retry-backoff = 50ms, retry-max-backoff = 200ms\n"
                + "    ready-pattern = \"Done \\\\(\"\n"
                + "    " + agonesExtra + " }\n"
                + "}\n";
    }

    static AgonesFixture start(String config) {
        return new AgonesFixture(Gateway.start(ConfigFactory.parseString(config)));
    }

    /** Starts the echoing {@code game} and waits for it to run. */
    static AgonesFixture echo(Path dataDir, int sdkPort, String processExtra, String agonesExtra) {
        AgonesFixture f = start(config(dataDir, sdkPort, ECHO, processExtra, agonesExtra));
        f.awaitState(ProcessState.RUNNING);
        return f;
    }

    /** Makes {@code game} print {@code line}. */
    void print(String line) {
        StdinResult r = gateway.host().writeStdin("game", line.getBytes(StandardCharsets.UTF_8));
        if (r != StdinResult.WRITTEN) {
            throw new AssertionError("cannot write to game: " + r);
        }
    }

    ProcessStatus status() {
        return gateway.host().status("game").orElseThrow();
    }

    void awaitState(ProcessState state) {
        await().atMost(WAIT).until(() -> status().state() == state);
    }

    /** The count of SDK calls named {@code call} that ended with {@code outcome}. */
    double calls(String call, String outcome) {
        Counter c = meters.find(AgonesMetrics.CALLS)
                .tag("call", call)
                .tag("outcome", outcome)
                .counter();
        return c == null ? 0 : c.count();
    }

    /** Calls named {@code call} not made (one was still out, or the queue was full). */
    double droppedCalls(String call) {
        Counter c = meters.find(AgonesMetrics.DROPPED).tag("call", call).counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() {
        gateway.close();
    }
}
