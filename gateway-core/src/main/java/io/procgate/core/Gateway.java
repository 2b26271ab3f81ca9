package io.procgate.core;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.ssl.SslContext;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.procgate.core.auth.Authenticator;
import io.procgate.core.auth.LoginThrottle;
import io.procgate.core.auth.PasswordHasher;
import io.procgate.core.auth.Pbkdf2PasswordHasher;
import io.procgate.core.auth.SlidingLoginThrottle;
import io.procgate.core.auth.UserTableAuthenticator;
import io.procgate.core.config.GatewaySettings;
import io.procgate.core.config.ProcessSettings;
import io.procgate.core.control.HostProcessControl;
import io.procgate.core.control.ProcessControl;
import io.procgate.core.health.Readiness;
import io.procgate.core.metrics.GatewayMetrics;
import io.procgate.core.metrics.ProtocolMetrics;
import io.procgate.core.net.AcceptPause;
import io.procgate.core.net.BindAddress;
import io.procgate.core.net.PeerAddresses;
import io.procgate.core.net.SocketErrors;
import io.procgate.core.net.TlsSettings;
import io.procgate.core.schedule.ProcessScheduler;
import io.procgate.core.schedule.ScheduleEntry;
import io.procgate.core.schedule.ScheduledRun;
import io.procgate.core.spi.ListenerDefinition;
import io.procgate.core.spi.PluginContext;
import io.procgate.core.spi.ProtocolPlugin;
import io.procgate.host.HostSettings;
import io.procgate.host.ProcessHost;
import io.procgate.host.epoll.EpollProcessHost;
import io.procgate.host.os.Passwd;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: event loops, the process host, and every protocol plugin's listeners.
 *
 * <p>{@link #start} validates the configuration, creates one boss loop (accepting) and a worker
 * group sized to the cores (epoll, or NIO where epoll is unavailable) which serves both the
 * connections and the children's pipes, loads the {@link ProtocolPlugin}s with {@link
 * java.util.ServiceLoader}, and binds their listeners: TCP (TCP_NODELAY on connections) and unix
 * sockets (a stale socket file is replaced; the file gets the configured mode; it is removed at a
 * clean stop). Each bound listener is logged as {@code <protocol> listening on <host:port>}.
 *
 * <p>{@link #close} stops in order: listeners, the process host (children stopped in parallel
 * within {@code shutdown-timeout}, histories flushed), open connections, event loops.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /**
     * Connections the kernel may hold for a listener before it accepts them: its own cap
     * ({@code net.core.somaxconn}). A small backlog makes a burst of clients overflow the queue; a
     * client whose handshake completed by SYN cookie is then dropped and waits for a greeting that
     * never comes (seen with 1,000 clients connecting at once and a backlog of 256).
     */
    private static final int ACCEPT_BACKLOG = NetUtil.SOMAXCONN;

    private static final int QUIET_PERIOD_MS = 0;
    private static final int LOOP_SHUTDOWN_TIMEOUT_S = 5;
    /** The name of the {@code SslHandler} in the child pipeline of a TLS listener. */
    public static final String TLS_HANDLER = "tls";

    private final GatewaySettings settings;
    /** The settings last applied: those of the start, then of each reload. */
    private volatile GatewaySettings current;

    private ConfiguredProcesses configured;
    private final Transports transport;
    private final IoEventLoopGroup bossGroup;
    private final IoEventLoopGroup workerGroup;
    private final ChannelGroup connections = new DefaultChannelGroup("connections", GlobalEventExecutor.INSTANCE);
    private final Pbkdf2PasswordHasher hasher = new Pbkdf2PasswordHasher();
    private final UserTableAuthenticator authenticator;
    private final SlidingLoginThrottle throttle = new SlidingLoginThrottle();
    private final List<Bound> listeners = new ArrayList<>();
    /** Plugins asked for listeners, in order: each is stopped at close, even after a failed start. */
    private final List<ProtocolPlugin> startedPlugins = new CopyOnWriteArrayList<>();

    private final AtomicBoolean closed = new AtomicBoolean();
    private ProcessHost host;
    private HostProcessControl control;
    /** Epoll loops for the children's pipes when the sockets use NIO; else null (they share the workers). */
    private IoEventLoopGroup hostGroup;

    private final DeferredProcessHost deferredHost = new DeferredProcessHost();
    /** The host without the meters' wrapper: for the gateway's own line subscriptions. */
    private final DeferredProcessHost unmeteredHost = new DeferredProcessHost();
    /** The clock schedules run by (the system's; tests put it where a run is seconds away). */
    private final Clock clock;
    /** Runs {@code gateway.processes.*.schedules}; null until the host is up. */
    private ProcessScheduler scheduler;

    private DataDirLock dataDirLock;
    /** Meters of the JVM, the protocols and the processes; exported by the http plugin. */
    private final GatewayMetrics metrics = new GatewayMetrics();

    private final GatewayReadiness readiness =
            new GatewayReadiness(() -> configured == null ? List.of() : configured.startedChecks(), () -> host);

    /** Which plugin asked for each listener (by identity: two definitions may be equal). */
    private final Map<ListenerDefinition, ProtocolPlugin> owners = new IdentityHashMap<>();

    /** A bound listener. */
    private record Bound(ListenerDefinition definition, Channel channel, SocketAddress address) {}

    private Gateway(GatewaySettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.current = settings;
        this.transport = Transports.choose(settings.transport());
        this.authenticator = new UserTableAuthenticator(hasher, settings.users().values());
        this.bossGroup = new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("procgate-accept", true), transport.ioHandlerFactory());
        this.workerGroup = new MultiThreadIoEventLoopGroup(
                Runtime.getRuntime().availableProcessors(),
                new DefaultThreadFactory("procgate-io", true),
                transport.ioHandlerFactory());
    }

    /**
     * Starts a gateway with {@code config}: a full configuration as {@link GatewayConfig} makes it
     * (defaults merged; missing defaults are merged here too).
     *
     * @throws com.typesafe.config.ConfigException for an invalid configuration (one-line message)
     * @throws GatewayException when a listener cannot be bound or the transport is missing
     */
    public static Gateway start(Config config) {
        return start(config, null);
    }

    static Gateway start(Config config, HostFactory hostFactory) {
        return start(config, hostFactory, Clock.systemUTC());
    }

    /** As {@link #start(Config)}, with schedules run by {@code clock}. */
    static Gateway start(Config config, HostFactory hostFactory, Clock clock) {
        Config full = config.withFallback(GatewayConfig.referenceUnresolved()).resolve();
        GatewaySettings settings = GatewayConfig.validate(full);
        List<ProtocolPlugin> plugins = Plugins.load();
        Gateway gateway = new Gateway(settings, clock);
        try {
            gateway.run(full, plugins, hostFactory);
            return gateway;
        } catch (RuntimeException | Error e) {
            gateway.close();
            throw e;
        }
    }

    /**
     * The epoll process host on the worker loops; with the NIO transport (and epoll available) on a
     * small epoll group of its own, since child pipes need epoll.
     */
    private ProcessHost defaultHost(HostSettings hostSettings, IoEventLoopGroup workers) {
        IoEventLoopGroup loops = workers;
        if (transport != Transports.EPOLL) {
            if (!io.netty.channel.epoll.Epoll.isAvailable()) {
                throw new GatewayException("the process host needs epoll, which is not available here: "
                        + io.netty.channel.epoll.Epoll.unavailabilityCause());
            }
            hostGroup = new MultiThreadIoEventLoopGroup(
                    Math.min(2, Runtime.getRuntime().availableProcessors()),
                    new DefaultThreadFactory("procgate-pipes", true),
                    io.netty.channel.epoll.EpollIoHandler.newFactory());
            loops = hostGroup;
        }
        return new EpollProcessHost(hostSettings, loops);
    }

    private void run(Config config, List<ProtocolPlugin> plugins, HostFactory hostFactory) {
        for (String name : settings.plainTextPasswordUsers()) {
            LOG.warn(
                    "user {} has a plain-text password in the configuration; use password-hash (./gateway hash-password)",
                    name);
        }
        control = new HostProcessControl(deferredHost, settings.defaultRunAs(), Passwd.system());
        configured = new ConfiguredProcesses(deferredHost, unmeteredHost);
        control.useDeclarations(configured::declaration);

        List<ListenerDefinition> definitions = new ArrayList<>();
        for (ProtocolPlugin plugin : plugins) {
            String key = "gateway." + plugin.name();
            Config own = config.hasPath(key) ? config.getConfig(key) : ConfigFactory.empty();
            List<ListenerDefinition> defs;
            startedPlugins.add(plugin);
            try {
                defs = plugin.listeners(new Context(plugin.name(), own));
            } catch (com.typesafe.config.ConfigException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new GatewayException(plugin.name() + ": cannot set up listeners: " + e.getMessage(), e);
            }
            for (ListenerDefinition def : defs == null ? List.<ListenerDefinition>of() : defs) {
                definitions.add(def);
                owners.put(def, plugin);
            }
        }
        metrics.bindSystemMeters(); // now that exporters (the http plugin) have joined the registry
        // Listeners are bound first but accept nothing yet: a port in use fails the start before
        // the data directory is touched.
        for (ListenerDefinition definition : definitions) {
            Bound bound = bind(definition);
            synchronized (listeners) {
                listeners.add(bound);
            }
        }
        dataDirLock = DataDirLock.acquire(settings.dataDir());
        try {
            host = hostFactory == null
                    ? defaultHost(settings.hostSettings(), workerGroup)
                    : hostFactory.create(settings.hostSettings(), workerGroup);
        } catch (java.io.UncheckedIOException e) {
            throw new GatewayException(e.getMessage() + ": " + e.getCause().getMessage(), e);
        }
        unmeteredHost.set(host);
        host = metrics.instrument(host);
        deferredHost.set(host);
        synchronized (listeners) {
            listeners.forEach(b -> b.channel().config().setAutoRead(true));
        }
        configured.apply(settings);
        scheduler = new ProcessScheduler(control, deferredHost, clock, metrics.registry());
        scheduler.apply(schedulesOf(settings), settings.timeZone());
        readiness.started();
        synchronized (listeners) {
            for (Bound b : listeners) {
                try {
                    owners.get(b.definition()).listening(b.definition(), b.address());
                } catch (RuntimeException e) {
                    LOG.error("{}: listening hook failed", b.definition().protocol(), e);
                }
            }
        }
        LOG.info(
                "procgate started: {} listener(s), transport {}, data in {}",
                listeners.size(),
                transport.name().toLowerCase(java.util.Locale.ROOT),
                settings.dataDir().toAbsolutePath());
    }

    private static Map<String, List<ScheduleEntry>> schedulesOf(GatewaySettings settings) {
        Map<String, List<ScheduleEntry>> out = new TreeMap<>();
        settings.processes().values().forEach(p -> out.put(p.name(), p.schedules()));
        return out;
    }

    private Bound bind(ListenerDefinition definition) {
        String protocol = definition.protocol();
        ProtocolMetrics counters = metrics.protocol(protocol);
        SslContext ssl = sslContext(definition);
        ChannelInitializer<Channel> tracking = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                connections.add(ch);
                counters.connectionOpened();
                ch.closeFuture().addListener(f -> counters.connectionClosed());
                if (ssl != null) {
                    // first, so that the protocol's handlers see plain bytes
                    ch.pipeline().addLast(TLS_HANDLER, ssl.newHandler(ch.alloc()));
                }
                ch.pipeline().addLast(definition.initializer());
            }
        };
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .option(ChannelOption.AUTO_READ, false) // no accepting before the host is ready
                .handler(new AcceptPause(protocol))
                .childHandler(tracking);
        SocketAddress local;
        Path socketFile = null;
        if (definition.address() instanceof BindAddress.Tcp tcp) {
            bootstrap
                    .channel(transport.tcpServerChannel())
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .option(ChannelOption.SO_BACKLOG, ACCEPT_BACKLOG)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true);
            local = new InetSocketAddress(tcp.host(), tcp.port());
            if (((InetSocketAddress) local).isUnresolved()) {
                throw new GatewayException(protocol + ": cannot listen on " + tcp + ": unknown host " + tcp.host());
            }
        } else {
            BindAddress.Unix unix = (BindAddress.Unix) definition.address();
            bootstrap.channel(transport.unixServerChannel()).option(ChannelOption.SO_BACKLOG, ACCEPT_BACKLOG);
            socketFile = unix.path();
            createDataDirFor(protocol, socketFile);
            UnixSocketFiles.prepare(protocol, socketFile);
            local = new DomainSocketAddress(socketFile.toString());
        }
        ChannelFuture future = bootstrap.bind(local).awaitUninterruptibly();
        if (!future.isSuccess()) {
            throw new GatewayException(
                    protocol + ": cannot listen on " + definition.address() + ": "
                            + SocketErrors.describe(future.cause()),
                    future.cause());
        }
        Channel channel = future.channel();
        SocketAddress bound = channel.localAddress();
        if (definition.address() instanceof BindAddress.Unix unix) {
            try {
                UnixSocketFiles.chmod(protocol, socketFile, unix.mode());
            } catch (GatewayException e) {
                channel.close().awaitUninterruptibly();
                UnixSocketFiles.remove(socketFile);
                throw e;
            }
            LOG.info("{} listening on unix:{} (mode {})", protocol, socketFile, UnixSocketFiles.octal(unix.mode()));
        } else {
            LOG.info("{} listening on {}{}", protocol, PeerAddresses.format(bound), ssl == null ? "" : " (TLS)");
        }
        return new Bound(definition, channel, bound);
    }

    /**
     * Listeners are bound before the data directory is locked (and, on a first start, made); a
     * socket inside it (the default tcprocd socket) needs the directory first.
     */
    private void createDataDirFor(String protocol, Path socketFile) {
        Path parent = socketFile.toAbsolutePath().normalize().getParent();
        if (parent != null && parent.equals(settings.dataDir().toAbsolutePath().normalize())) {
            try {
                Files.createDirectories(parent);
            } catch (IOException e) {
                throw new GatewayException(
                        protocol + ": cannot create the data directory " + parent + " for unix:" + socketFile + ": "
                                + e.getMessage(),
                        e);
            }
        }
    }

    private static SslContext sslContext(ListenerDefinition definition) {
        TlsSettings tls = definition.tls();
        if (tls == null) {
            return null;
        }
        try {
            return tls.serverContext();
        } catch (IllegalArgumentException e) {
            throw new GatewayException(
                    definition.protocol() + ": cannot listen on " + definition.address() + ": " + e.getMessage(), e);
        }
    }

    /** The addresses {@code protocol}'s listeners are bound to, in listener order. */
    public List<SocketAddress> boundAddresses(String protocol) {
        List<SocketAddress> out = new ArrayList<>();
        synchronized (listeners) {
            for (Bound b : listeners) {
                if (b.definition().protocol().equals(protocol)) {
                    out.add(b.address());
                }
            }
        }
        return out;
    }

    public ProcessHost host() {
        return host;
    }

    /** The user-aware process control that protocol plugins get. */
    public ProcessControl processes() {
        return control;
    }

    public GatewaySettings settings() {
        return settings;
    }

    /** The schedules in force (those of the start, then of each reload). */
    public ProcessScheduler schedules() {
        return scheduler;
    }

    /** The gateway's meters (JVM, protocols, processes). */
    public GatewayMetrics metrics() {
        return metrics;
    }

    /** Whether the gateway is ready: started, and every autostart process running. */
    public Readiness readiness() {
        return readiness;
    }

    /**
     * Applies what can change without a restart from a new configuration: the users table, the
     * default run-as account and the configured processes (added ones start, removed ones stop,
     * changed ones restart, unchanged ones are untouched). Listener changes need a restart.
     *
     * @throws com.typesafe.config.ConfigException if {@code config} is invalid (nothing is changed)
     */
    public void reload(Config config) {
        Config full = config.withFallback(GatewayConfig.referenceUnresolved()).resolve();
        GatewaySettings next = GatewayConfig.validate(full);
        for (String name : next.plainTextPasswordUsers()) {
            LOG.warn("user {} has a plain-text password in the configuration; use password-hash", name);
        }
        authenticator.replaceUsers(next.users().values());
        control.setDefaultRunAs(next.defaultRunAs());
        if (configured != null) {
            configured.apply(next);
        }
        if (scheduler != null) {
            scheduler.apply(schedulesOf(next), next.timeZone());
        }
        current = next;
        LOG.info(
                "configuration reloaded: {} user(s), {} configured process(es); listener changes apply at the next start",
                next.users().size(),
                next.processes().size());
    }

    /** Stops listeners, then children (within shutdown-timeout), then connections and event loops. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("procgate stopping");
        readiness.stopping();
        List<Bound> toClose;
        synchronized (listeners) {
            toClose = new ArrayList<>(listeners);
            listeners.clear();
        }
        for (Bound b : toClose) {
            b.channel().close().awaitUninterruptibly();
            if (b.definition().address() instanceof BindAddress.Unix unix) {
                UnixSocketFiles.remove(unix.path());
            }
        }
        for (ProtocolPlugin plugin : startedPlugins) {
            try {
                plugin.stop();
            } catch (RuntimeException e) {
                LOG.error("{}: stopping failed", plugin.name(), e);
            }
        }
        if (scheduler != null) {
            scheduler.close();
        }
        if (host != null) {
            try {
                host.close();
            } catch (RuntimeException e) {
                LOG.error("closing the process host failed", e);
            }
        }
        if (dataDirLock != null) {
            dataDirLock.close();
        }
        connections.close().awaitUninterruptibly(LOOP_SHUTDOWN_TIMEOUT_S, TimeUnit.SECONDS);
        workerGroup.shutdownGracefully(QUIET_PERIOD_MS, LOOP_SHUTDOWN_TIMEOUT_S, TimeUnit.SECONDS);
        bossGroup.shutdownGracefully(QUIET_PERIOD_MS, LOOP_SHUTDOWN_TIMEOUT_S, TimeUnit.SECONDS);
        if (hostGroup != null) {
            hostGroup.shutdownGracefully(QUIET_PERIOD_MS, LOOP_SHUTDOWN_TIMEOUT_S, TimeUnit.SECONDS);
            hostGroup.terminationFuture().awaitUninterruptibly(LOOP_SHUTDOWN_TIMEOUT_S + 1, TimeUnit.SECONDS);
        }
        workerGroup.terminationFuture().awaitUninterruptibly(LOOP_SHUTDOWN_TIMEOUT_S + 1, TimeUnit.SECONDS);
        bossGroup.terminationFuture().awaitUninterruptibly(LOOP_SHUTDOWN_TIMEOUT_S + 1, TimeUnit.SECONDS);
        metrics.close();
        LOG.info("procgate stopped");
    }

    /** What a plugin gets: its own config subtree and the shared services. */
    private final class Context implements PluginContext {
        private final String name;
        private final Config own;

        Context(String name, Config own) {
            this.name = name;
            this.own = own;
        }

        @Override
        public Config config() {
            return own;
        }

        @Override
        public ProcessControl processes() {
            return control;
        }

        @Override
        public ProcessHost host() {
            return deferredHost;
        }

        @Override
        public Authenticator authenticator() {
            return authenticator;
        }

        @Override
        public LoginThrottle loginThrottle() {
            return throttle;
        }

        @Override
        public PasswordHasher passwordHasher() {
            return hasher;
        }

        @Override
        public EventLoopGroup workerGroup() {
            return workerGroup;
        }

        @Override
        public MeterRegistry metrics() {
            return metrics.registry();
        }

        @Override
        public ProtocolMetrics protocolMetrics() {
            return metrics.protocol(name);
        }

        @Override
        public Readiness readiness() {
            return readiness;
        }

        @Override
        public Map<String, ProcessSettings> declaredProcesses() {
            return current.processes();
        }

        @Override
        public List<ScheduledRun> schedules(String process) {
            ProcessScheduler s = scheduler;
            return s == null ? List.of() : s.of(process);
        }
    }
}
