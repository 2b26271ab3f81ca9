package io.procgate.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procgate.core.config.ProcessSettings;
import io.procgate.core.control.Caller;
import io.procgate.core.control.ControlStatus;
import io.procgate.core.control.Outcome;
import io.procgate.core.control.ProcessControl;
import io.procgate.host.ExitStatus;
import io.procgate.host.ProcessState;
import io.procgate.host.ProcessStatus;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The process objects of {@code GET /api/processes} and {@code GET /api/processes/NAME} (docs/web.md):
 * what the host knows, plus the processes the configuration declares that have not run yet (shown
 * as {@code exited} with no lines, so that a panel can offer to start them). A user sees its own
 * processes and the declared ones it owns; an admin sees all.
 */
final class ProcessViews {
    private final ProcessControl processes;
    private final Supplier<Map<String, ProcessSettings>> declared;

    ProcessViews(ProcessControl processes, Supplier<Map<String, ProcessSettings>> declared) {
        this.processes = processes;
        this.declared = declared;
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
            return view(status.value(), declared.get().containsKey(name));
        }
        if (status.status() == ControlStatus.PERMISSION_DENIED) {
            throw forbidden(name);
        }
        ProcessSettings settings = declaredSettings(name).orElseThrow(() -> unknown(name));
        if (!mayUseDeclared(caller, settings)) {
            throw forbidden(name);
        }
        return neverRun(settings);
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
