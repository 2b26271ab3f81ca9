package io.procgate.core.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.procgate.core.auth.User;
import io.procgate.host.ExitStatus;
import io.procgate.host.HistorySlice;
import io.procgate.host.LineSubscriber;
import io.procgate.host.ProcessSpec;
import io.procgate.host.RestartPolicy;
import io.procgate.host.Subscription;
import io.procgate.host.Supervision;
import io.procgate.host.os.Passwd;
import io.procgate.host.testing.TestHost;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ProcessControl over the real epoll host, with real children. */
class HostProcessControlRealTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path data;

    private TestHost testHost;
    private HostProcessControl control;

    private static Caller tcp(String name, boolean admin) {
        return new Caller(new User(name, null, admin, null), new InetSocketAddress("127.0.0.1", 1), "tcprocd", false);
    }

    private final Caller alice = tcp("alice", false);
    private final Caller bob = tcp("bob", false);
    private final Caller admin = tcp("admin", true);

    @BeforeEach
    void open() {
        testHost = TestHost.open(data);
        control = new HostProcessControl(testHost.host(), null, Passwd.system());
    }

    @AfterEach
    void close() {
        testHost.close();
    }

    private ControlStatus start(Caller c, String name, String cmd) {
        return control.start(c, name, cmd, "").toCompletableFuture().join();
    }

    private String cat(Caller c, String name) {
        Outcome<HistorySlice> o = control.cat(c, name, 0, 1 << 20);
        assertThat(o.status()).isEqualTo(ControlStatus.OK);
        try {
            return o.value().data().toString(StandardCharsets.UTF_8);
        } finally {
            o.value().release();
        }
    }

    @Test
    void permissionsWithRealChildren() {
        assertThat(start(alice, "a-cat", "cat")).isEqualTo(ControlStatus.OK);
        assertThat(start(bob, "b-sleep", "sleep 60")).isEqualTo(ControlStatus.OK);
        assertThat(control.list(alice)).containsExactly("a-cat");
        assertThat(control.list(bob)).containsExactly("b-sleep");
        assertThat(control.list(admin)).containsExactly("a-cat", "b-sleep");

        assertThat(control.command(alice, "a-cat", "hello world".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(ControlStatus.OK);
        await().atMost(WAIT).until(() -> cat(alice, "a-cat").equals("hello world\n"));
        assertThat(control.cat(bob, "a-cat", 0, 100).status()).isEqualTo(ControlStatus.PERMISSION_DENIED);
        assertThat(control.command(bob, "a-cat", new byte[0])).isEqualTo(ControlStatus.PERMISSION_DENIED);
        assertThat(control.kill(bob, "a-cat").toCompletableFuture().join()).isEqualTo(ControlStatus.PERMISSION_DENIED);
        assertThat(start(bob, "a-cat", "sleep 1")).isEqualTo(ControlStatus.EXISTS);

        assertThat(control.kill(alice, "a-cat").toCompletableFuture().join()).isEqualTo(ControlStatus.OK);
        testHost.host().whenStopped("a-cat").join();
        assertThat(control.list(alice)).isEmpty();
        assertThat(control.kill(alice, "a-cat").toCompletableFuture().join()).isEqualTo(ControlStatus.OFFLINE);
        assertThat(control.command(alice, "a-cat", new byte[0])).isEqualTo(ControlStatus.OFFLINE);
        assertThat(cat(alice, "a-cat")).isEqualTo("hello world\n"); // exited, still readable
        assertThat(start(bob, "a-cat", "sleep 1")).isEqualTo(ControlStatus.PERMISSION_DENIED);
        assertThat(control.kill(admin, "b-sleep").toCompletableFuture().join()).isEqualTo(ControlStatus.OK);
    }

    @Test
    void restartKeepsHistoryAndLineNumbers() {
        assertThat(start(alice, "echoer", "printf 'one\\ntwo\\n'")).isEqualTo(ControlStatus.OK);
        testHost.host().whenStopped("echoer").join();
        assertThat(start(alice, "echoer", "printf 'three\\n'")).isEqualTo(ControlStatus.OK);
        testHost.host().whenStopped("echoer").join();
        await().atMost(WAIT).until(() -> cat(alice, "echoer").equals("one\ntwo\nthree\n"));
    }

    @Test
    void unexecutableCommandsAreUnknown() {
        assertThat(start(alice, "nx", "/no/such/program")).isEqualTo(ControlStatus.UNKNOWN);
        assertThat(control.start(alice, "nd", "true", "/no/such/dir")
                        .toCompletableFuture()
                        .join())
                .isEqualTo(ControlStatus.UNKNOWN);
    }

    @Test
    void attachStreamsLiveLinesAndExit() {
        assertThat(control.attach(alice, "live", (n, c) -> {}).status()).isEqualTo(ControlStatus.OFFLINE);
        assertThat(start(alice, "live", "cat")).isEqualTo(ControlStatus.OK);
        List<String> lines = new CopyOnWriteArrayList<>();
        List<ExitStatus> exits = new CopyOnWriteArrayList<>();
        Outcome<Subscription> sub = control.attach(alice, "live", new LineSubscriber() {
            @Override
            public void onLine(long lineNumber, ByteBuf content) {
                lines.add(lineNumber + ":" + content.toString(StandardCharsets.UTF_8));
            }

            @Override
            public void onExit(ExitStatus status) {
                exits.add(status);
            }
        });
        assertThat(sub.status()).isEqualTo(ControlStatus.OK);
        control.command(alice, "live", "a".getBytes(StandardCharsets.UTF_8));
        control.command(alice, "live", "b".getBytes(StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> lines.size() == 2);
        assertThat(lines).containsExactly("0:a", "1:b");
        control.kill(alice, "live").toCompletableFuture().join();
        await().atMost(WAIT).until(() -> exits.size() == 1);
        sub.value().close();
    }

    @Test
    void unixCallerRunsAsItsOwnLogin() {
        Caller nobody = new Caller(new User("nobody", null, false, null), null, "tcprocd", true);
        assertThat(control.start(nobody, "who", "id -un", "/")
                        .toCompletableFuture()
                        .join())
                .isEqualTo(ControlStatus.OK);
        testHost.host().whenStopped("who").join();
        await().atMost(WAIT).until(() -> cat(nobody, "who").equals("nobody\n"));
    }

    @Test
    void aDeclaredNameStartsAsDeclaredWhateverCommandTheClientSends() {
        ProcessSpec declaredSpec = ProcessSpec.of("printf 'declared\\n'");
        Supervision always = new Supervision(
                RestartPolicy.ALWAYS, Duration.ofMillis(50), Duration.ofMillis(50), 1000, Duration.ofSeconds(60));
        control.useDeclarations(name ->
                name.equals("srv") ? Optional.of(new Declaration(declaredSpec, always, "alice")) : Optional.empty());

        assertThat(start(bob, "srv", "printf 'bob\\n'")).isEqualTo(ControlStatus.PERMISSION_DENIED);
        assertThat(testHost.host().status("srv")).isEmpty();

        assertThat(start(admin, "srv", "printf 'mine\\n'")).isEqualTo(ControlStatus.OK);
        // Restarted by its declared policy, still the declared program, still alice's.
        await().atMost(WAIT).until(() -> control.status(alice, "srv").value().restarts() >= 2);
        assertThat(cat(alice, "srv")).startsWith("declared\ndeclared\n").doesNotContain("mine");
        assertThat(control.kill(alice, "srv").toCompletableFuture().join())
                .isIn(ControlStatus.OK, ControlStatus.OFFLINE);
        testHost.host().whenStopped("srv").join();

        // Other names are untouched by the declarations.
        assertThat(start(bob, "free", "printf 'bob\\n'")).isEqualTo(ControlStatus.OK);
        testHost.host().whenStopped("free").join();
        await().atMost(WAIT).until(() -> cat(bob, "free").equals("bob\n"));
    }
}
