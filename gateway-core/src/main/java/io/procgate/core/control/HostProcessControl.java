package io.procgate.core.control;

import io.procgate.core.LogText;
import io.procgate.core.auth.User;
import io.procgate.host.CommandLine;
import io.procgate.host.HistorySlice;
import io.procgate.host.LineSubscriber;
import io.procgate.host.ProcessHost;
import io.procgate.host.ProcessSpec;
import io.procgate.host.ProcessStatus;
import io.procgate.host.RunAs;
import io.procgate.host.StartResult;
import io.procgate.host.StdinResult;
import io.procgate.host.StopResult;
import io.procgate.host.Subscription;
import io.procgate.host.os.Passwd;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ProcessControl} on top of a {@link ProcessHost}: the rules of tcprocd spec sections 5 and
 * 6 (names, ownership, run-as, status mapping) and the audit trail.
 *
 * <p>Ownership: a process belongs to the user who started it ({@link ProcessStatus#owner()});
 * a user sees and acts on its own processes, an admin on all. An exited process still has its
 * owner: only that user (or an admin) may start it again; a running one answers {@code EXISTS}.
 *
 * <p>Run-as: the user's own {@code run-as}; else, for a unix-socket caller, the caller's login
 * name; else {@code gateway.run-as}; else the gateway's own user. The host refuses root children
 * unless allowed ({@code PERMISSION_DENIED}).
 *
 * <p>Every start, kill, command and attach writes one INFO line to the logger {@value #AUDIT_LOGGER}.
 * Unexpected exceptions become {@code UNKNOWN} with the cause logged; nothing is thrown to a protocol.
 */
public final class HostProcessControl implements ProcessControl {
    /** The logger of the audit trail. */
    public static final String AUDIT_LOGGER = "io.procgate.audit";

    private static final Logger LOG = LoggerFactory.getLogger(HostProcessControl.class);
    private static final Logger AUDIT = LoggerFactory.getLogger(AUDIT_LOGGER);

    private final ProcessHost host;
    private final Passwd passwd;
    private final String gatewayUser;
    private final Path gatewayDirectory;
    private volatile RunAs defaultRunAs;
    private volatile Declarations declarations = Declarations.NONE;

    /**
     * @param defaultRunAs {@code gateway.run-as}, or null for the gateway's own user
     */
    public HostProcessControl(ProcessHost host, RunAs defaultRunAs, Passwd passwd) {
        this(
                host,
                defaultRunAs,
                passwd,
                System.getProperty("user.name"),
                Path.of("").toAbsolutePath());
    }

    HostProcessControl(ProcessHost host, RunAs defaultRunAs, Passwd passwd, String gatewayUser, Path gatewayDirectory) {
        this.host = Objects.requireNonNull(host, "host");
        this.passwd = Objects.requireNonNull(passwd, "passwd");
        this.defaultRunAs = defaultRunAs;
        this.gatewayUser = gatewayUser;
        this.gatewayDirectory = gatewayDirectory;
    }

    /**
     * The configuration's process declarations: a {@code start} of a declared name runs its
     * declaration instead of the client's command.
     */
    public void useDeclarations(Declarations declarations) {
        this.declarations = Objects.requireNonNull(declarations, "declarations");
    }

    /** Replaces the default run-as account (configuration reload). */
    public void setDefaultRunAs(RunAs runAs) {
        this.defaultRunAs = runAs;
    }

    @Override
    public List<String> list(Caller caller) {
        try {
            // A plain loop: list is the request a monitoring script repeats, and a stream pipeline
            // cost several times the work itself.
            List<ProcessStatus> all = host.list();
            List<String> names = new ArrayList<>(all.size());
            for (ProcessStatus status : all) {
                if (status.running() && mayAccess(caller, status)) {
                    names.add(status.name());
                }
            }
            names.sort(null);
            return names;
        } catch (RuntimeException e) {
            LOG.error("list for {} failed", caller, e);
            return List.of();
        }
    }

    @Override
    public CompletionStage<ControlStatus> start(Caller caller, String name, String commandLine, String path) {
        try {
            if (!ProcessControl.isValidName(name) || commandLine == null) {
                return done(audit("start", caller, name, ControlStatus.ERROR, "invalid name"));
            }
            Optional<Declaration> declared = declarations.find(name);
            if (declared.isPresent()) {
                return startDeclared(caller, name, declared.get());
            }
            List<String> argv;
            try {
                argv = CommandLine.split(commandLine);
            } catch (IllegalArgumentException e) {
                return done(audit("start", caller, name, ControlStatus.ERROR, e.getMessage()));
            }
            Optional<ProcessStatus> existing = host.status(name);
            String owner = caller.user().name();
            if (existing.isPresent()) {
                ControlStatus refused = refusedRestart(caller, existing.get());
                if (refused != null) {
                    return done(audit("start", caller, name, refused, refusalDetail(refused, existing.get())));
                }
                if (existing.get().owner() != null) {
                    owner = existing.get().owner(); // an admin restarting someone's process leaves it theirs
                }
            }
            RunAs runAs = runAs(caller);
            Path directory;
            try {
                directory = workingDirectory(runAs, path);
            } catch (InvalidPathException e) {
                LOG.warn("start of {} by {}: bad path: {}", name, caller, e.getMessage());
                return done(audit("start", caller, name, ControlStatus.UNKNOWN, "bad path"));
            }
            ProcessSpec spec =
                    ProcessSpec.of(argv).withWorkingDirectory(directory).withRunAs(runAs);
            String detail = "command=" + LogText.quote(spec.commandLine()) + " dir=" + directory
                    + (runAs == null ? "" : " run-as=" + runAs);
            return launch(caller, name, host.start(name, spec, owner), detail);
        } catch (RuntimeException e) {
            LOG.error("start of {} by {} failed", name, caller, e);
            return done(audit("start", caller, name, ControlStatus.UNKNOWN, "internal error"));
        }
    }

    /**
     * A declared name starts as the configuration says (command, directory, run-as, supervision,
     * owner); the client's command and path are ignored, as they would be by a panel's start button.
     * Never started yet, it may be started by its declared owner or an admin.
     */
    private CompletionStage<ControlStatus> startDeclared(Caller caller, String name, Declaration declaration) {
        Optional<ProcessStatus> existing = host.status(name);
        ControlStatus refused = existing.isPresent()
                ? refusedRestart(caller, existing.get())
                : mayAccess(caller, declaration.owner()) ? null : ControlStatus.PERMISSION_DENIED;
        if (refused != null) {
            return done(audit("start", caller, name, refused, "declared"));
        }
        ProcessSpec spec = declaration.spec();
        String detail = "declared command=" + LogText.quote(spec.commandLine())
                + (spec.workingDirectory() == null ? "" : " dir=" + spec.workingDirectory())
                + (spec.runAs() == null ? "" : " run-as=" + spec.runAs());
        return launch(caller, name, host.start(name, spec, declaration.owner(), declaration.supervision()), detail);
    }

    /** Null when {@code caller} may start {@code existing} again; else the status to answer. */
    private static ControlStatus refusedRestart(Caller caller, ProcessStatus existing) {
        if (existing.running()) {
            return ControlStatus.EXISTS;
        }
        return mayAccess(caller, existing) ? null : ControlStatus.PERMISSION_DENIED;
    }

    private static String refusalDetail(ControlStatus refused, ProcessStatus existing) {
        return refused == ControlStatus.PERMISSION_DENIED ? "owned by " + existing.owner() : null;
    }

    private CompletionStage<ControlStatus> launch(
            Caller caller, String name, CompletionStage<StartResult> started, String detail) {
        return started.handle((result, error) -> {
            try {
                return audit("start", caller, name, startStatus(caller, name, result, error), detail);
            } catch (RuntimeException e) {
                LOG.error("start of {} by {} failed", name, caller, e);
                return ControlStatus.UNKNOWN;
            }
        });
    }

    private ControlStatus startStatus(Caller caller, String name, StartResult result, Throwable error) {
        if (error != null) {
            LOG.error("start of {} by {} failed", name, caller, error);
            return ControlStatus.UNKNOWN;
        }
        return switch (result.outcome()) {
            case STARTED -> ControlStatus.OK;
            case EXISTS -> ControlStatus.EXISTS;
            case REFUSED_ROOT -> {
                LOG.warn("start of {} by {} refused: {}", name, caller, result.error());
                yield ControlStatus.PERMISSION_DENIED;
            }
            case FAILED -> {
                LOG.warn("start of {} by {} failed: {}", name, caller, result.error());
                yield ControlStatus.UNKNOWN;
            }
        };
    }

    @Override
    public CompletionStage<ControlStatus> kill(Caller caller, String name) {
        try {
            ControlStatus denied = check(caller, name);
            if (denied != null) {
                return done(audit("kill", caller, name, denied, null));
            }
            return host.stop(name).handle((result, error) -> {
                if (error != null) {
                    LOG.error("kill of {} by {} failed", name, caller, error);
                    return audit("kill", caller, name, ControlStatus.UNKNOWN, null);
                }
                return audit(
                        "kill",
                        caller,
                        name,
                        result == StopResult.STOPPING ? ControlStatus.OK : ControlStatus.OFFLINE,
                        null);
            });
        } catch (RuntimeException e) {
            LOG.error("kill of {} by {} failed", name, caller, e);
            return done(audit("kill", caller, name, ControlStatus.UNKNOWN, null));
        }
    }

    @Override
    public ControlStatus command(Caller caller, String name, byte[] line) {
        String detail = "bytes=" + (line == null ? 0 : line.length);
        try {
            ControlStatus denied = check(caller, name);
            if (denied != null) {
                return audit("command", caller, name, denied, detail);
            }
            StdinResult result = host.writeStdin(name, line == null ? new byte[0] : line);
            ControlStatus status = switch (result) {
                case WRITTEN -> ControlStatus.OK;
                case NOT_RUNNING -> ControlStatus.OFFLINE;
                case BUFFER_FULL -> ControlStatus.UNKNOWN;
            };
            return audit(
                    "command",
                    caller,
                    name,
                    status,
                    result == StdinResult.BUFFER_FULL ? detail + " stdin-full" : detail);
        } catch (RuntimeException e) {
            LOG.error("command to {} by {} failed", name, caller, e);
            return audit("command", caller, name, ControlStatus.UNKNOWN, detail);
        }
    }

    @Override
    public Outcome<HistorySlice> cat(Caller caller, String name, long fromLine, long maxBytes) {
        try {
            ControlStatus denied = check(caller, name);
            if (denied != null) {
                return Outcome.of(denied);
            }
            Optional<HistorySlice> slice = host.read(name, Math.max(0, fromLine), maxBytes);
            return slice.map(Outcome::ok).orElseGet(() -> Outcome.of(ControlStatus.OFFLINE));
        } catch (RuntimeException e) {
            LOG.error("cat of {} by {} failed", name, caller, e);
            return Outcome.of(ControlStatus.UNKNOWN);
        }
    }

    @Override
    public Outcome<ProcessStatus> status(Caller caller, String name) {
        try {
            ControlStatus denied = check(caller, name);
            if (denied != null) {
                return Outcome.of(denied);
            }
            return host.status(name).map(Outcome::ok).orElseGet(() -> Outcome.of(ControlStatus.OFFLINE));
        } catch (RuntimeException e) {
            LOG.error("status of {} by {} failed", name, caller, e);
            return Outcome.of(ControlStatus.UNKNOWN);
        }
    }

    @Override
    public Outcome<Subscription> attach(Caller caller, String name, LineSubscriber subscriber) {
        try {
            ControlStatus denied = check(caller, name);
            if (denied != null) {
                audit("attach", caller, name, denied, null);
                return Outcome.of(denied);
            }
            if (!host.status(name).map(ProcessStatus::running).orElse(false)) {
                audit("attach", caller, name, ControlStatus.OFFLINE, null);
                return Outcome.of(ControlStatus.OFFLINE);
            }
            Subscription subscription = host.subscribe(name, subscriber);
            // It may have exited between the check and the subscription: then no exit would ever
            // reach the subscriber, so say OFFLINE rather than leave the client waiting.
            if (!host.status(name).map(ProcessStatus::running).orElse(false)) {
                subscription.close();
                audit("attach", caller, name, ControlStatus.OFFLINE, null);
                return Outcome.of(ControlStatus.OFFLINE);
            }
            audit("attach", caller, name, ControlStatus.OK, null);
            return Outcome.ok(subscription);
        } catch (RuntimeException e) {
            LOG.error("attach to {} by {} failed", name, caller, e);
            audit("attach", caller, name, ControlStatus.UNKNOWN, null);
            return Outcome.of(ControlStatus.UNKNOWN);
        }
    }

    @Override
    public List<ProcessStatus> statuses(Caller caller) {
        try {
            return host.list().stream()
                    .filter(s -> mayAccess(caller, s))
                    .sorted(Comparator.comparing(ProcessStatus::name))
                    .toList();
        } catch (RuntimeException e) {
            LOG.error("statuses for {} failed", caller, e);
            return List.of();
        }
    }

    @Override
    public CompletionStage<ControlStatus> forceKill(Caller caller, String name) {
        try {
            ControlStatus denied = check(caller, name);
            if (denied != null) {
                return done(audit("force-kill", caller, name, denied, null));
            }
            return host.kill(name).handle((result, error) -> {
                if (error != null) {
                    LOG.error("force-kill of {} by {} failed", name, caller, error);
                    return audit("force-kill", caller, name, ControlStatus.UNKNOWN, null);
                }
                return audit(
                        "force-kill",
                        caller,
                        name,
                        result == StopResult.STOPPING ? ControlStatus.OK : ControlStatus.OFFLINE,
                        null);
            });
        } catch (RuntimeException e) {
            LOG.error("force-kill of {} by {} failed", name, caller, e);
            return done(audit("force-kill", caller, name, ControlStatus.UNKNOWN, null));
        }
    }

    @Override
    public CompletionStage<ControlStatus> restart(Caller caller, String name) {
        try {
            if (!ProcessControl.isValidName(name)) {
                return done(audit("restart", caller, name, ControlStatus.ERROR, "invalid name"));
            }
            Optional<Declaration> declared = declarations.find(name);
            Optional<ProcessStatus> existing = host.status(name);
            if (existing.isPresent() && !mayAccess(caller, existing.get())) {
                return done(audit("restart", caller, name, ControlStatus.PERMISSION_DENIED, null));
            }
            if (declared.isPresent()) {
                // Stop what runs, then start as declared now (the declaration may have changed).
                return host.stop(name)
                        .thenCompose(stopped -> host.whenStopped(name))
                        .thenCompose(v -> startDeclared(caller, name, declared.get()))
                        .exceptionally(error -> {
                            LOG.error("restart of {} by {} failed", name, caller, error);
                            return ControlStatus.UNKNOWN;
                        });
            }
            if (existing.isEmpty()) {
                return done(audit("restart", caller, name, ControlStatus.OFFLINE, null));
            }
            return host.restart(name).handle((result, error) -> {
                if (error == null && result.neverStarted()) {
                    return audit("restart", caller, name, ControlStatus.OFFLINE, "not started in this run");
                }
                try {
                    return audit("restart", caller, name, startStatus(caller, name, result, error), null);
                } catch (RuntimeException e) {
                    LOG.error("restart of {} by {} failed", name, caller, e);
                    return ControlStatus.UNKNOWN;
                }
            });
        } catch (RuntimeException e) {
            LOG.error("restart of {} by {} failed", name, caller, e);
            return done(audit("restart", caller, name, ControlStatus.UNKNOWN, null));
        }
    }

    @Override
    public Outcome<Subscription> watch(Caller caller, String name, LineSubscriber subscriber) {
        try {
            ControlStatus denied = check(caller, name);
            Optional<Declaration> declared = declarations.find(name);
            if (denied == ControlStatus.OFFLINE && declared.isPresent()) {
                // declared, never run: its console waits for its first line
                denied = mayAccess(caller, declared.get().owner()) ? null : ControlStatus.PERMISSION_DENIED;
            }
            if (denied != null) {
                audit("watch", caller, name, denied, null);
                return Outcome.of(denied);
            }
            Subscription subscription = host.subscribe(name, subscriber);
            audit("watch", caller, name, ControlStatus.OK, null);
            return Outcome.ok(subscription);
        } catch (RuntimeException e) {
            LOG.error("watch of {} by {} failed", name, caller, e);
            audit("watch", caller, name, ControlStatus.UNKNOWN, null);
            return Outcome.of(ControlStatus.UNKNOWN);
        }
    }

    /**
     * The account a caller's new process runs as: its own run-as, its login (unix socket), the
     * default, or null for the gateway's user (also when the answer is the gateway's user itself,
     * so that no switch is attempted).
     */
    RunAs runAs(Caller caller) {
        User user = caller.user();
        RunAs runAs = user.runAs();
        if (runAs == null && caller.unixPeer()) {
            runAs = RunAs.user(user.name());
        }
        if (runAs == null) {
            runAs = defaultRunAs;
        }
        if (runAs != null && runAs.group() == null && runAs.user().equals(gatewayUser)) {
            return null;
        }
        return runAs;
    }

    private Path workingDirectory(RunAs runAs, String path) {
        Path base = gatewayDirectory;
        if (runAs != null) {
            Optional<Path> home = passwd.home(runAs.user());
            if (home.isPresent() && Files.isDirectory(home.get())) {
                base = home.get();
            }
        }
        if (path == null || path.isEmpty()) {
            return base;
        }
        if (path.indexOf('\0') >= 0) {
            throw new InvalidPathException(path, "NUL character");
        }
        return base.resolve(path);
    }

    /** Null when the caller may act on {@code name}; else the status to answer. */
    private ControlStatus check(Caller caller, String name) {
        if (!ProcessControl.isValidName(name)) {
            return ControlStatus.ERROR;
        }
        Optional<ProcessStatus> status = host.status(name);
        if (status.isEmpty()) {
            return ControlStatus.OFFLINE;
        }
        return mayAccess(caller, status.get()) ? null : ControlStatus.PERMISSION_DENIED;
    }

    private static boolean mayAccess(Caller caller, ProcessStatus status) {
        return mayAccess(caller, status.owner());
    }

    private static boolean mayAccess(Caller caller, String owner) {
        return caller.user().admin() || caller.user().name().equals(owner);
    }

    /**
     * One audit line. Built as one string here rather than as a parameterised message: the user,
     * peer and protocol part is formatted once per caller, and the logging backend then only hands
     * the finished text to its writer thread (a pipelined {@code command} writes one per request).
     */
    private static ControlStatus audit(String action, Caller caller, String name, ControlStatus status, String detail) {
        if (AUDIT.isInfoEnabled()) {
            String shownName = ProcessControl.isValidName(name) ? name : LogText.quote(String.valueOf(name));
            AUDIT.info(
                    detail == null
                            ? action + " " + caller.auditText() + " name=" + shownName + " result=" + status
                            : action + " " + caller.auditText() + " name=" + shownName + " result=" + status + " "
                                    + detail);
        }
        return status;
    }

    private static CompletionStage<ControlStatus> done(ControlStatus status) {
        return CompletableFuture.completedFuture(status);
    }
}
