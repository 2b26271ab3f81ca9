package io.procgate.core.spi;

import com.typesafe.config.Config;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.procgate.core.auth.Authenticator;
import io.procgate.core.auth.LoginThrottle;
import io.procgate.core.auth.PasswordCheckExecutor;
import io.procgate.core.auth.PasswordHasher;
import io.procgate.core.config.ProcessSettings;
import io.procgate.core.control.ProcessControl;
import io.procgate.core.health.Readiness;
import io.procgate.core.metrics.ProtocolMetrics;
import io.procgate.core.schedule.ScheduledRun;
import io.procgate.host.ProcessHost;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/** What the core hands a protocol plugin when it builds its listeners. */
public interface PluginContext {

    /** The plugin's own configuration subtree, {@code gateway.<name>}, defaults already merged. */
    Config config();

    /** The user-aware, audited way to act on processes: permissions, run-as, root refusal. */
    ProcessControl processes();

    /** The raw host, for protocols that front a process without users (TCPR). */
    ProcessHost host();

    /** Checks user names and passwords from {@code gateway.users}. */
    Authenticator authenticator();

    /** Failed-login throttling per source address, shared by every listener of the gateway. */
    LoginThrottle loginThrottle();

    /** Hashes and checks listener passwords (TCPR) the same way as user passwords. */
    PasswordHasher passwordHasher();

    /**
     * Where password checks run: a few threads off the event loops, shared by every listener, since
     * a slow salted hash must not stall a loop.
     */
    default Executor passwordChecks() {
        return PasswordCheckExecutor.shared();
    }

    /** The event loops that serve the connections (and the children's pipes). */
    EventLoopGroup workerGroup();

    /**
     * The gateway's meter registry (a composite: an exporter adds its registry to it). The default,
     * for contexts outside a gateway, is a registry that records nothing.
     */
    default MeterRegistry metrics() {
        return NoMetrics.REGISTRY;
    }

    /**
     * This plugin's protocol counters: the core counts connections itself; the plugin reports each
     * answered request ({@link ProtocolMetrics#request}) and failed login ({@link
     * ProtocolMetrics#authFailure}). The default records nothing.
     */
    default ProtocolMetrics protocolMetrics() {
        return ProtocolMetrics.noop("none");
    }

    /**
     * The processes {@code gateway.processes} declares, by name, as last applied (a reload replaces
     * the map; call again rather than keep it). The default, outside a gateway, is none.
     */
    default Map<String, ProcessSettings> declaredProcesses() {
        return Map.of();
    }

    /**
     * The schedules of {@code process} with their next runs, in configuration order (for status
     * views: {@code GET /api/processes/NAME}'s {@code schedules}). The default, outside a gateway,
     * is none.
     */
    default List<ScheduledRun> schedules(String process) {
        return List.of();
    }

    /** Whether the gateway is ready (for health endpoints). The default is always ready. */
    default Readiness readiness() {
        return Readiness.ALWAYS;
    }
}
