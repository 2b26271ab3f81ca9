package io.procgate.core.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.procgate.core.auth.User;
import io.procgate.core.testing.FakeProcessHost;
import io.procgate.core.testing.LogCapture;
import io.procgate.host.ProcessSpec;
import io.procgate.host.ProcessStatus;
import io.procgate.host.Supervision;
import io.procgate.host.os.Passwd;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The actions the web console added to ProcessControl: statuses, forceKill, restart, watch. */
class WebControlTest {
    private final FakeProcessHost host = new FakeProcessHost();
    private final HostProcessControl control =
            new HostProcessControl(host, null, Passwd.system(), "gatewayuser", Path.of("/tmp"));

    private static Caller web(String name, boolean admin) {
        return new Caller(new User(name, null, admin, null), new InetSocketAddress("127.0.0.1", 4242), "http", false);
    }

    private final Caller alice = web("alice", false);
    private final Caller bob = web("bob", false);
    private final Caller admin = web("root", true);

    private ControlStatus start(Caller c, String name) {
        return control.start(c, name, "sleep 100", "").toCompletableFuture().join();
    }

    @Test
    void statusesListRunningAndExitedProcessesOfTheCallerOnly() {
        start(alice, "a1");
        start(alice, "a2");
        start(bob, "b1");
        host.exit("a2");
        assertThat(control.statuses(alice)).extracting(ProcessStatus::name).containsExactly("a1", "a2");
        assertThat(control.statuses(admin)).extracting(ProcessStatus::name).containsExactly("a1", "a2", "b1");
        assertThat(control.list(alice)).containsExactly("a1");
    }

    @Test
    void forceKillAndRestartFollowOwnershipAndAreAudited() {
        start(alice, "a1");
        try (LogCapture logs = LogCapture.start()) {
            assertThat(control.forceKill(bob, "a1").toCompletableFuture().join())
                    .isEqualTo(ControlStatus.PERMISSION_DENIED);
            assertThat(control.restart(bob, "a1").toCompletableFuture().join())
                    .isEqualTo(ControlStatus.PERMISSION_DENIED);
            assertThat(control.restart(alice, "a1").toCompletableFuture().join())
                    .isEqualTo(ControlStatus.OK);
            assertThat(control.forceKill(alice, "a1").toCompletableFuture().join())
                    .isEqualTo(ControlStatus.OK);
            assertThat(control.forceKill(alice, "a1").toCompletableFuture().join())
                    .isEqualTo(ControlStatus.OFFLINE);
            assertThat(control.forceKill(alice, "nope").toCompletableFuture().join())
                    .isEqualTo(ControlStatus.OFFLINE);
            assertThat(control.restart(alice, "nope").toCompletableFuture().join())
                    .isEqualTo(ControlStatus.OFFLINE);
            assertThat(control.restart(alice, "bad name").toCompletableFuture().join())
                    .isEqualTo(ControlStatus.ERROR);
            assertThat(logs.messages(HostProcessControl.AUDIT_LOGGER))
                    .anyMatch(m -> m.startsWith("INFO force-kill user=bob peer=127.0.0.1:4242 protocol=http name=a1"
                            + " result=PERMISSION_DENIED"))
                    .anyMatch(m ->
                            m.startsWith("INFO restart user=alice peer=127.0.0.1:4242 protocol=http name=a1 result=OK"))
                    .anyMatch(m -> m.startsWith(
                            "INFO force-kill user=alice peer=127.0.0.1:4242 protocol=http name=a1" + " result=OK"));
        }
    }

    @Test
    void restartOfADeclaredProcessStartsItsDeclaration() {
        ProcessSpec declared = ProcessSpec.of("declared-command");
        control.useDeclarations(name -> name.equals("srv")
                ? Optional.of(new Declaration(declared, Supervision.NONE, "alice"))
                : Optional.empty());
        assertThat(control.restart(bob, "srv").toCompletableFuture().join()).isEqualTo(ControlStatus.PERMISSION_DENIED);
        assertThat(control.restart(alice, "srv").toCompletableFuture().join()).isEqualTo(ControlStatus.OK);
        assertThat(host.specs.get("srv")).isEqualTo(declared);
    }

    @Test
    void watchWorksOnExitedAndDeclaredProcessesAndChecksOwnership() {
        start(alice, "a1");
        host.exit("a1");
        assertThat(control.attach(alice, "a1", (n, c) -> {}).status()).isEqualTo(ControlStatus.OFFLINE);
        Outcome<io.procgate.host.Subscription> watched = control.watch(alice, "a1", (n, c) -> {});
        assertThat(watched.isOk()).isTrue();
        watched.value().close();
        assertThat(control.watch(bob, "a1", (n, c) -> {}).status()).isEqualTo(ControlStatus.PERMISSION_DENIED);
        assertThat(control.watch(alice, "never", (n, c) -> {}).status()).isEqualTo(ControlStatus.OFFLINE);
        control.useDeclarations(name -> name.equals("srv")
                ? Optional.of(new Declaration(ProcessSpec.of("x"), Supervision.NONE, "alice"))
                : Optional.empty());
        assertThat(control.watch(alice, "srv", (n, c) -> {}).isOk()).isTrue();
        assertThat(control.watch(bob, "srv", (n, c) -> {}).status()).isEqualTo(ControlStatus.PERMISSION_DENIED);
    }
}
