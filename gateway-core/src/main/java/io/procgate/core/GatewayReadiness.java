package io.procgate.core;

import io.procgate.core.config.GatewaySettings;
import io.procgate.core.config.ProcessSettings;
import io.procgate.core.health.Readiness;
import io.procgate.host.ProcessHost;
import io.procgate.host.ProcessState;
import io.procgate.host.ProcessStatus;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The gateway's readiness: started (every listener bound and accepting), not stopping, and every
 * process with {@code autostart = true} in the current configuration running.
 */
final class GatewayReadiness implements Readiness {
    private final Supplier<GatewaySettings> settings;
    private final Supplier<ProcessHost> host;
    private volatile boolean started;
    private volatile boolean stopping;

    GatewayReadiness(Supplier<GatewaySettings> settings, Supplier<ProcessHost> host) {
        this.settings = settings;
        this.host = host;
    }

    void started() {
        started = true;
    }

    void stopping() {
        stopping = true;
    }

    @Override
    public Optional<String> notReadyReason() {
        if (stopping) {
            return Optional.of("stopping");
        }
        ProcessHost h = host.get();
        if (!started || h == null) {
            return Optional.of("starting");
        }
        for (ProcessSettings p : settings.get().processes().values()) {
            if (!p.autostart()) {
                continue;
            }
            Optional<ProcessStatus> status = h.status(p.name());
            if (status.isEmpty()) {
                return Optional.of("process " + p.name() + " is not started");
            }
            ProcessState state = status.get().state();
            if (state != ProcessState.RUNNING) {
                return Optional.of("process " + p.name() + " is " + state.wireName());
            }
        }
        return Optional.empty();
    }
}
