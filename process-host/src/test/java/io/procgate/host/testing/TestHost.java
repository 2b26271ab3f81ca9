package io.procgate.host.testing;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.procgate.host.HistorySlice;
import io.procgate.host.HostSettings;
import io.procgate.host.ProcessHost;
import io.procgate.host.epoll.EpollProcessHost;
import io.procgate.host.limits.Cgroups;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** A real process host on its own epoll loops over a data directory, for tests of any module. */
public final class TestHost implements AutoCloseable {
    private final MultiThreadIoEventLoopGroup loops;
    private final EpollProcessHost host;

    private TestHost(MultiThreadIoEventLoopGroup loops, EpollProcessHost host) {
        this.loops = loops;
        this.host = host;
    }

    /** A host that may run children as root (tests run as root on the build machines). */
    public static TestHost open(Path dataDir) {
        return open(dataDir, s -> s);
    }

    public static TestHost open(Path dataDir, UnaryOperator<HostSettings> tweak) {
        return open(dataDir, tweak, Cgroups.detect());
    }

    /** A host that makes the cgroups of its limits with {@code cgroups}. */
    public static TestHost open(Path dataDir, UnaryOperator<HostSettings> tweak, Cgroups cgroups) {
        MultiThreadIoEventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        HostSettings settings = tweak.apply(HostSettings.defaults(dataDir).withAllowRootChildren(true));
        return new TestHost(loops, new EpollProcessHost(settings, loops, cgroups));
    }

    public ProcessHost host() {
        return host;
    }

    public MultiThreadIoEventLoopGroup loops() {
        return loops;
    }

    /** The whole readable history of {@code name} as text. */
    public String readAll(String name) {
        HistorySlice slice = host.read(name, 0, Long.MAX_VALUE).orElseThrow();
        try {
            return slice.data().toString(StandardCharsets.UTF_8);
        } finally {
            slice.release();
        }
    }

    @Override
    public void close() {
        try {
            host.close();
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
