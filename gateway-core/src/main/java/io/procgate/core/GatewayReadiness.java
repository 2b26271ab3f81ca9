package io.procgate.core;

import io.procgate.core.health.Readiness;
import io.procgate.host.HistoryHealth;
import io.procgate.host.ProcessHost;
import io.procgate.host.ProcessStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The gateway's readiness: started (every listener bound and accepting), not stopping, and every
 * process with {@code autostart = true} in the configuration last applied started for real in its
 * current run (see {@link StartedCheck}: its {@code ready-pattern} seen, or up for its {@code
 * start-seconds}), and every history being written (not while the storage refuses writes).
 */
final class GatewayReadiness implements Readiness {
    private final Supplier<? extends Collection<StartedCheck>> autostart;
    private final Supplier<ProcessHost> host;
    private volatile boolean started;
    private volatile boolean stopping;

    /**
     * @param autostart how each configured process that is started automatically counts as
     *     started, as of the last (re)load
     */
    GatewayReadiness(Supplier<? extends Collection<StartedCheck>> autostart, Supplier<ProcessHost> host) {
        this.autostart = autostart;
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
        for (ProcessStatus known : h.list()) {
            Optional<HistoryHealth> history = h.historyHealth(known.name());
            if (history.isPresent() && !history.get().storing()) {
                return Optional.of("history of " + known.name() + " is not being written: "
                        + history.get().error());
            }
        }
        Instant now = Instant.now();
        for (StartedCheck check : autostart.get()) {
            Optional<String> reason = check.notReadyReason(h.status(check.name()), now);
            if (reason.isPresent()) {
                return reason;
            }
        }
        return Optional.empty();
    }
}
