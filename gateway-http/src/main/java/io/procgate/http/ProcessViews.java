package io.procgate.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procgate.core.config.ProcessSettings;
import io.procgate.core.control.Caller;
import io.procgate.core.control.ControlStatus;
import io.procgate.core.control.Outcome;
import io.procgate.core.control.ProcessControl;
import io.procgate.core.schedule.ScheduledRun;
import io.procgate.host.ExitStatus;
import io.procgate.host.ProcessState;
import io.procgate.host.ProcessStats;
import io.procgate.host.ProcessStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The process objects of {@code GET /api/processes} and {@code GET /api/processes/NAME} (docs/web.md):
 * what the host knows, plus the processes the configuration declares that have not run yet (shown
 * as {@code exited} with no lines, so that a panel can offer to start them). A user sees its own
 * processes and the declared ones it owns; an admin sees all.
 */
final class ProcessViews {
    private static final int CPU_DECIMALS = 1000;

    private final ProcessControl processes;
    private final Supplier<Map<String, ProcessSettings>> declared;
    private final Function<String, List<ScheduledRun>> schedules;

    /**
     * @param schedules the schedules of a process with their next runs (shown by {@link #one})
     */
    ProcessViews(
            ProcessControl processes,
            Supplier<Map<String, ProcessSettings>> declared,
            Function<String, List<ScheduledRun>> schedules) {
        this.processes = processes;
        this.declared = declared;
        this.schedules = schedules;
    }

    ArrayNode list(Caller caller) {
        Map<String, ObjectNode> byName = new TreeMap<>();
        Map<String, ProcessSettings> declarations = declared.get();
        for (ProcessStatus status : processes.statuses(caller)) {
            byName.put(status.name(), view(status, declarations.containsKey(status.name())));
        }
        for (ProcessSettings settings : declarations.values()) {
            if (!byName.containsKey(settings.name()) && mayUseDeclared(caller, settings)) {
                byName.put(settings.name(), neverRun(settings));
            }
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        byName.values().forEach(out::add);
        return out;
    }

    /**
     * @throws ApiError 404 for an unknown name, 403 for another user's process
     */
    ObjectNode one(Caller caller, String name) {
        Outcome<ProcessStatus> status = processes.status(caller, name);
        if (status.isOk()) {
            return withSchedules(view(status.value(), declared.get().containsKey(name)), name);
        }
        if (status.status() == ControlStatus.PERMISSION_DENIED) {
            throw forbidden(name);
        }
        ProcessSettings settings = declaredSettings(name).orElseThrow(() -> unknown(name));
        if (!mayUseDeclared(caller, settings)) {
            throw forbidden(name);
        }
        return withSchedules(neverRun(settings), name);
    }

    /** {@code "schedules": [{"cron", "action", "next"}]}, {@code next} an ISO-8601 instant (null: never). */
    private ObjectNode withSchedules(ObjectNode view, String name) {
        ArrayNode list = view.putArray("schedules");
        for (ScheduledRun run : schedules.apply(name)) {
            ObjectNode o = list.addObject();
            o.put("cron", run.cron());
            o.put("action", run.action());
            o.put("next", run.next() == null ? null : run.next().toString());
        }
        return view;
    }

    /**
     * {@code {"cpu": CORES, "rss": BYTES, "threads": N, "fds": N, "uptime": SECONDS}}: the live
     * figures of the process group (docs/configuration.md, "Live figures"); the console's {@code
     * stats} frame has the same fields.
     */
    static void putStats(ObjectNode o, ProcessStats stats) {
        o.put("cpu", roundedCores(stats.cpu()));
        o.put("rss", stats.rssBytes());
        o.put("threads", stats.threads());
        o.put("fds", stats.fds());
        o.put("uptime", (long) stats.uptimeSeconds());
    }

    /** CPU to a thousandth of a core: finer is noise between two samples of /proc. */
    static double roundedCores(double cpu) {
        return Math.round(cpu * CPU_DECIMALS) / (double) CPU_DECIMALS;
    }

    boolean isDeclared(String name) {
        return declared.get().containsKey(name);
    }

    /** Whether the host or the configuration knows {@code name} (404 otherwise). */
    boolean known(Caller caller, String name) {
        Outcome<ProcessStatus> status = processes.status(caller, name);
        return status.status() != ControlStatus.OFFLINE
                || declaredSettings(name).isPresent();
    }

    /**
     * The status of a process the caller may read: empty for a declared process that never ran.
     *
     * @throws ApiError 404 unknown, 403 another user's
     */
    Optional<ProcessStatus> readable(Caller caller, String name) {
        Outcome<ProcessStatus> status = processes.status(caller, name);
        if (status.isOk()) {
            return Optional.of(status.value());
        }
        if (status.status() == ControlStatus.PERMISSION_DENIED) {
            throw forbidden(name);
        }
        one(caller, name); // 404 or 403 for a declaration
        return Optional.empty();
    }

    static ApiError unknown(String name) {
        return ApiError.notFound("no process " + name);
    }

    static ApiError forbidden(String name) {
        return new ApiError(403, "process " + name + " is not yours");
    }

    private Optional<ProcessSettings> declaredSettings(String name) {
        return Optional.ofNullable(declared.get().get(name));
    }

    private static boolean mayUseDeclared(Caller caller, ProcessSettings settings) {
        String owner = settings.owner();
        return caller.user().admin()
                || (owner != null && owner.equals(caller.user().name()));
    }

    static ObjectNode view(ProcessStatus status, boolean declared) {
        ObjectNode o = Json.object();
        o.put("name", status.name());
        o.put("state", status.state().wireName());
        if (status.running() && status.pid() > 0) {
            o.put("pid", status.pid());
        }
        o.put("owner", status.owner());
        o.put("lines", status.nextLine());
        ExitStatus exit = status.lastExit();
        if (!status.running() && exit != null) {
            if (exit.killedBySignal()) {
                o.put("signal", exit.signalName());
            } else {
                o.put("exit", exit.code());
            }
            if (exit.reason() != null) {
                o.put("reason", exit.reason());
            }
        }
        if (status.running() && status.stats() != null) {
            putStats(o.putObject("stats"), status.stats());
        }
        if (status.limitProblem() != null) {
            o.put("limitProblem", status.limitProblem());
        }
        o.put("declared", declared);
        if (status.since() != null) {
            o.put("since", status.since().toString());
        }
        o.put("restarts", status.restarts());
        if (status.lastError() != null) {
            o.put("error", status.lastError());
        }
        return o;
    }

    private static ObjectNode neverRun(ProcessSettings settings) {
        ObjectNode o = Json.object();
        o.put("name", settings.name());
        o.put("state", ProcessState.EXITED.wireName());
        o.put("owner", settings.owner() == null || settings.owner().isEmpty() ? null : settings.owner());
        o.put("lines", 0);
        o.put("declared", true);
        o.put("restarts", 0);
        return o;
    }
}
