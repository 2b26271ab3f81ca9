package io.procgate.core;

import io.procgate.core.health.Readiness;
import io.procgate.host.ProcessHost;
import io.procgate.host.ProcessState;
import io.procgate.host.ProcessStatus;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The gateway's readiness: started (every listener bound and accepting), not stopping, and every
 * process with {@code autostart = true} in the configuration last applied running.
 */
final class GatewayReadiness implements Readiness {
    private final Supplier<? extends Collection<String>> autostartNames;
    private final Supplier<ProcessHost> host;
    private volatile boolean started;
    private volatile boolean stopping;

    /**
     * @param autostartNames the names of the configured processes that are started automatically,
     *     as of the last (re)load
     */
    GatewayReadiness(Supplier<? extends Collection<String>> autostartNames, Supplier<ProcessHost> host) {
        this.autostartNames = autostartNames;
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
        for (String name : autostartNames.get()) {
            Optional<ProcessStatus> status = h.status(name);
            if (status.isEmpty()) {
                return Optional.of("process " + name + " is not started");
            }
            ProcessState state = status.get().state();
            if (state != ProcessState.RUNNING) {
                return Optional.of("process " + name + " is " + state.wireName());
            }
        }
        return Optional.empty();
    }
}
