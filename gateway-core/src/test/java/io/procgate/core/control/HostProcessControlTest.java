package io.procgate.core.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.procgate.core.auth.User;
import io.procgate.core.testing.FakeProcessHost;
import io.procgate.core.testing.LogCapture;
import io.procgate.host.RunAs;
import io.procgate.host.os.Passwd;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The rules of ProcessControl over a fake host: fast, no children. */
class HostProcessControlTest {
    private final FakeProcessHost host = new FakeProcessHost();
    private final HostProcessControl control =
            new HostProcessControl(host, null, Passwd.system(), "gatewayuser", Path.of("/tmp"));

    private static Caller tcp(String name, boolean admin) {
        return new Caller(
                new User(name, null, admin, null), new InetSocketAddress("127.0.0.1", 4242), "tcprocd", false);
    }

    private final Caller alice = tcp("alice", false);
    private final Caller bob = tcp("bob", false);
    private final Caller admin = tcp("root", true);

    private ControlStatus start(Caller c, String name, String cmd) {
        return control.start(c, name, cmd, "").toCompletableFuture().join();
    }

    @Test
    void invalidNamesAreErrors() {
        assertThat(start(alice, "bad name", "sleep 1")).isEqualTo(ControlStatus.ERROR);
        assertThat(start(alice, "x".repeat(65), "sleep 1")).isEqualTo(ControlStatus.ERROR);
        assertThat(control.kill(alice, "../x").toCompletableFuture().join()).isEqualTo(ControlStatus.ERROR);
        assertThat(control.command(alice, "", new byte[0])).isEqualTo(ControlStatus.ERROR);
        assertThat(control.cat(alice, "a/b", 0, 100).status()).isEqualTo(ControlStatus.ERROR);
        assertThat(control.attach(alice, "a b", (n, c) -> {}).status()).isEqualTo(ControlStatus.ERROR);
    }

    @Test
    void unparseableCommandLineIsError() {
        assertThat(start(alice, "a", "echo 'unterminated")).isEqualTo(ControlStatus.ERROR);
        assertThat(start(alice, "a", "   ")).isEqualTo(ControlStatus.ERROR);
    }

    @Test
    void ownersAndAdminsOnly() {
        assertThat(start(alice, "a1", "sleep 100")).isEqualTo(ControlStatus.OK);
        assertThat(start(bob, "b1", "sleep 100")).isEqualTo(ControlStatus.OK);
        assertThat(control.list(alice)).containsExactly("a1");
        assertThat(control.list(admin)).containsExactly("a1", "b1");
        assertThat(control.command(bob, "a1", "x".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(ControlStatus.PERMISSION_DENIED);
        assertThat(control.kill(bob, "a1").toCompletableFuture().join()).isEqualTo(ControlStatus.PERMISSION_DENIED);
        assertThat(control.cat(bob, "a1", 0, 10).status()).isEqualTo(ControlStatus.PERMISSION_DENIED);
        assertThat(control.status(bob, "a1").status()).isEqualTo(ControlStatus.PERMISSION_DENIED);
        assertThat(control.attach(bob, "a1", (n, c) -> {}).status()).isEqualTo(ControlStatus.PERMISSION_DENIED);
        assertThat(control.command(admin, "a1", "x".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(ControlStatus.OK);
        assertThat(host.stdin).containsExactly("a1:x");
        assertThat(control.kill(admin, "b1").toCompletableFuture().join()).isEqualTo(ControlStatus.OK);
    }

    @Test
    void runningNameIsExistsForAnyone() {
        assertThat(start(alice, "a1", "sleep 100")).isEqualTo(ControlStatus.OK);
        assertThat(start(alice, "a1", "sleep 100")).isEqualTo(ControlStatus.EXISTS);
        assertThat(start(bob, "a1", "sleep 100")).isEqualTo(ControlStatus.EXISTS);
    }

    @Test
    void exitedProcessOfAnotherUserCannotBeRestarted() {
        start(alice, "a1", "sleep 100");
        host.exit("a1");
        assertThat(start(bob, "a1", "sleep 100")).isEqualTo(ControlStatus.PERMISSION_DENIED);
        assertThat(start(admin, "a1", "sleep 100")).isEqualTo(ControlStatus.OK);
        assertThat(host.status("a1").orElseThrow().owner()).isEqualTo("alice"); // stays hers
        host.exit("a1");
        assertThat(start(alice, "a1", "sleep 100")).isEqualTo(ControlStatus.OK);
    }

    @Test
    void hostResultsMapToStatuses() {
        assertThat(start(alice, "nx", "/nonexistent/prog")).isEqualTo(ControlStatus.UNKNOWN);
        host.refuseRoot = true;
        assertThat(start(alice, "r", "sleep 1")).isEqualTo(ControlStatus.PERMISSION_DENIED);
        assertThat(control.kill(alice, "never").toCompletableFuture().join()).isEqualTo(ControlStatus.OFFLINE);
        assertThat(control.kill(alice, "nx").toCompletableFuture().join()).isEqualTo(ControlStatus.OFFLINE);
        assertThat(control.command(alice, "nx", new byte[0])).isEqualTo(ControlStatus.OFFLINE);
        assertThat(control.cat(alice, "never", 0, 10).status()).isEqualTo(ControlStatus.OFFLINE);
        assertThat(control.attach(alice, "nx", (n, c) -> {}).status()).isEqualTo(ControlStatus.OFFLINE);
        var cat = control.cat(alice, "nx", 0, 10); // exited, still readable
        assertThat(cat.status()).isEqualTo(ControlStatus.OK);
        cat.value().release();
    }

    @Test
    void runAsIsUsersOwnThenUnixLoginThenDefault() {
        User withRunAs = new User("u", null, false, new RunAs("svc", "grp"));
        Caller unix = new Caller(new User("carol", null, false, null), null, "tcprocd", true);
        Caller unixSelf = new Caller(new User("gatewayuser", null, false, null), null, "tcprocd", true);
        assertThat(control.runAs(new Caller(withRunAs, null, "tcprocd", true))).isEqualTo(new RunAs("svc", "grp"));
        assertThat(control.runAs(unix)).isEqualTo(RunAs.user("carol"));
        assertThat(control.runAs(unixSelf)).isNull(); // no switch to oneself
        assertThat(control.runAs(alice)).isNull();
        control.setDefaultRunAs(RunAs.user("daemon"));
        assertThat(control.runAs(alice)).isEqualTo(RunAs.user("daemon"));
        assertThat(control.runAs(unix)).isEqualTo(RunAs.user("carol"));
    }

    @Test
    void startUsesThePathOrTheDefaultDirectory() {
        start(alice, "p1", "sleep 1");
        assertThat(host.specs.get("p1").workingDirectory()).isEqualTo(Path.of("/tmp"));
        control.start(alice, "p2", "sleep 1", "/var").toCompletableFuture().join();
        assertThat(host.specs.get("p2").workingDirectory()).isEqualTo(Path.of("/var"));
        control.start(alice, "p3", "sleep 1", "sub").toCompletableFuture().join();
        assertThat(host.specs.get("p3").workingDirectory()).isEqualTo(Path.of("/tmp/sub"));
        assertThat(host.specs.get("p3").argv()).containsExactly("sleep", "1");
    }

    @Test
    void everyActionIsAudited() {
        try (LogCapture logs = LogCapture.start()) {
            start(alice, "a1", "sleep 'x y'");
            control.command(alice, "a1", "hi".getBytes(StandardCharsets.UTF_8));
            control.attach(alice, "a1", (n, c) -> {}).value().close();
            control.kill(bob, "a1").toCompletableFuture().join();
            assertThat(logs.messages(HostProcessControl.AUDIT_LOGGER))
                    .hasSize(4)
                    .satisfiesExactly(
                            m -> assertThat(m)
                                    .startsWith(
                                            "INFO start user=alice peer=127.0.0.1:4242 protocol=tcprocd name=a1 result=OK command=\"sleep 'x y'\""),
                            m -> assertThat(m)
                                    .isEqualTo(
                                            "INFO command user=alice peer=127.0.0.1:4242 protocol=tcprocd name=a1 result=OK bytes=2"),
                            m -> assertThat(m)
                                    .isEqualTo(
                                            "INFO attach user=alice peer=127.0.0.1:4242 protocol=tcprocd name=a1 result=OK"),
                            m -> assertThat(m)
                                    .isEqualTo(
                                            "INFO kill user=bob peer=127.0.0.1:4242 protocol=tcprocd name=a1 result=PERMISSION_DENIED"));
        }
    }

    @Test
    void hostExceptionsBecomeUnknown() {
        FakeProcessHost broken = new FakeProcessHost() {
            @Override
            public java.util.Optional<io.procgate.host.ProcessStatus> status(String name) {
                throw new IllegalStateException("boom");
            }
        };
        HostProcessControl c = new HostProcessControl(broken, null, Passwd.system());
        assertThat(c.start(alice, "a", "sleep 1", "").toCompletableFuture().join())
                .isEqualTo(ControlStatus.UNKNOWN);
        assertThat(c.kill(alice, "a").toCompletableFuture().join()).isEqualTo(ControlStatus.UNKNOWN);
        assertThat(c.command(alice, "a", new byte[0])).isEqualTo(ControlStatus.UNKNOWN);
        assertThat(c.cat(alice, "a", 0, 1).status()).isEqualTo(ControlStatus.UNKNOWN);
        assertThat(c.attach(alice, "a", (n, x) -> {}).status()).isEqualTo(ControlStatus.UNKNOWN);
    }
}
