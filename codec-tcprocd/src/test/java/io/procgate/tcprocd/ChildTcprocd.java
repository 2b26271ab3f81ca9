package io.procgate.tcprocd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procgate.core.auth.Pbkdf2PasswordHasher;
import io.procgate.core.testing.ChildGateway;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A gateway in its own JVM ({@link ChildGateway}) with one tcprocd TCP listener on a free port, once started. */
final class ChildTcprocd {
    private static final Pattern LISTENING = Pattern.compile("tcprocd listening on 127\\.0\\.0\\.1:(\\d+)");
    /** The password of user {@code admin} in configurations that use {@link #ADMIN_HASH}. */
    static final String ADMIN_PASSWORD = "admin-pw";
    /** A cheap hash of {@link #ADMIN_PASSWORD}, for {@code users.admin.password-hash}. */
    static final String ADMIN_HASH =
            new Pbkdf2PasswordHasher(Pbkdf2PasswordHasher.MIN_ITERATIONS).hash(ADMIN_PASSWORD.toCharArray());

    private ChildTcprocd() {}

    /** A started gateway and the address of its tcprocd listener. */
    record Started(ChildGateway gateway, InetSocketAddress address) {}

    /** Starts the gateway on {@code conf} in {@code workDir} and waits until it has started (killed if it fails to). */
    static Started start(Path workDir, Path conf) throws IOException {
        ChildGateway gateway = ChildGateway.start(workDir, "-c", conf.toString());
        try {
            await().atMost(ChildGateway.WAIT)
                    .until(() -> gateway.out().contains("procgate started")
                            || !gateway.process().isAlive());
            Matcher m = LISTENING.matcher(gateway.out());
            assertThat(m.find()).as("stdout: %s", gateway.out()).isTrue();
            return new Started(gateway, new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1))));
        } catch (RuntimeException | AssertionError e) {
            gateway.close();
            throw e;
        }
    }

    /** A connection logged in as {@code admin}. */
    static WireClient admin(InetSocketAddress address) {
        return WireClient.connect(address).login("admin", ADMIN_PASSWORD);
    }
}
