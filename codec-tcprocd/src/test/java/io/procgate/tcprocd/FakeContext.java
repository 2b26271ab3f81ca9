package io.procgate.tcprocd;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.procgate.core.auth.Authenticator;
import io.procgate.core.auth.LoginThrottle;
import io.procgate.core.auth.PasswordHasher;
import io.procgate.core.auth.User;
import io.procgate.core.control.Caller;
import io.procgate.core.control.ControlStatus;
import io.procgate.core.control.Outcome;
import io.procgate.core.control.ProcessControl;
import io.procgate.core.spi.PluginContext;
import io.procgate.host.HistorySlice;
import io.procgate.host.LineSubscriber;
import io.procgate.host.ProcessHost;
import io.procgate.host.ProcessStatus;
import io.procgate.host.Subscription;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A plugin context for pipeline tests: users whose password is {@code <name>-pw}, and a process
 * control that knows one running process, {@code known}, and records what it is asked.
 */
final class FakeContext implements PluginContext {
    final List<String> calls = new ArrayList<>();
    final List<InetAddress> failures = new ArrayList<>();
    LineSubscriber subscriber;
    boolean subscriptionClosed;
    /** When set, start answers only once this completes. */
    CompletableFuture<ControlStatus> pendingStart;

    @Override
    public Config config() {
        return ConfigFactory.defaultReference().getConfig("gateway.tcprocd");
    }

    @Override
    public ProcessControl processes() {
        return new ProcessControl() {
            @Override
            public List<String> list(Caller caller) {
                calls.add("list " + caller.user().name());
                return List.of("known");
            }

            @Override
            public CompletionStage<ControlStatus> start(Caller caller, String name, String commandLine, String path) {
                calls.add("start " + name + " " + commandLine + " [" + path + "]");
                return pendingStart != null ? pendingStart : CompletableFuture.completedFuture(ControlStatus.OK);
            }

            @Override
            public CompletionStage<ControlStatus> kill(Caller caller, String name) {
                calls.add("kill " + name);
                return CompletableFuture.completedFuture(known(name));
            }

            @Override
            public ControlStatus command(Caller caller, String name, byte[] line) {
                calls.add("command " + name + " " + new String(line, StandardCharsets.UTF_8));
                return known(name);
            }

            @Override
            public Outcome<HistorySlice> cat(Caller caller, String name, long fromLine, long maxBytes) {
                calls.add("cat " + name + " " + fromLine);
                if (!name.equals("known")) {
                    return Outcome.of(ControlStatus.OFFLINE);
                }
                // Lines 5.. were kept; "a\nb\n" are lines 5 and 6.
                return Outcome.ok(new HistorySlice(
                        fromLine,
                        Math.max(5, fromLine),
                        2,
                        Unpooled.copiedBuffer("a\nb\n", StandardCharsets.US_ASCII)));
            }

            @Override
            public Outcome<ProcessStatus> status(Caller caller, String name) {
                return Outcome.of(ControlStatus.OFFLINE);
            }

            @Override
            public Outcome<Subscription> attach(Caller caller, String name, LineSubscriber lines) {
                calls.add("attach " + name);
                if (!name.equals("known")) {
                    return Outcome.of(ControlStatus.OFFLINE);
                }
                subscriber = lines;
                return Outcome.ok(() -> subscriptionClosed = true);
            }

            @Override
            public List<ProcessStatus> statuses(Caller caller) {
                return List.of();
            }

            @Override
            public CompletionStage<ControlStatus> forceKill(Caller caller, String name) {
                calls.add("force-kill " + name);
                return CompletableFuture.completedFuture(known(name));
            }

            @Override
            public CompletionStage<ControlStatus> restart(Caller caller, String name) {
                calls.add("restart " + name);
                return CompletableFuture.completedFuture(known(name));
            }

            @Override
            public Outcome<Subscription> watch(Caller caller, String name, LineSubscriber lines) {
                return attach(caller, name, lines);
            }

            private ControlStatus known(String name) {
                return name.equals("known") ? ControlStatus.OK : ControlStatus.OFFLINE;
            }
        };
    }

    @Override
    public ProcessHost host() {
        throw new IllegalStateException("tcprocd acts through processes()");
    }

    @Override
    public Authenticator authenticator() {
        return new Authenticator() {
            @Override
            public Optional<User> authenticate(String name, byte[] password) {
                return (name + "-pw").equals(new String(password, StandardCharsets.UTF_8))
                        ? lookup(name)
                        : Optional.empty();
            }

            @Override
            public Optional<User> lookup(String name) {
                return Optional.of(new User(name, null, name.equals("admin"), null));
            }
        };
    }

    @Override
    public LoginThrottle loginThrottle() {
        return new LoginThrottle() {
            @Override
            public boolean isBlocked(InetAddress address) {
                return failures.size() >= FAILURES_BEFORE_BLOCK;
            }

            @Override
            public void recordFailure(InetAddress address) {
                failures.add(address);
            }
        };
    }

    @Override
    public PasswordHasher passwordHasher() {
        throw new IllegalStateException("not used by tcprocd");
    }

    @Override
    public EventLoopGroup workerGroup() {
        throw new IllegalStateException("not used by tcprocd");
    }
}
