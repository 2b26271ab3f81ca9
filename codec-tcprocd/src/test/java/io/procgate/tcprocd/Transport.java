package io.procgate.tcprocd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketAddress;

/** The two ways to reach tcprocd, for tests that run over both. */
enum Transport {
    /** TCP, logged in as alice with user name and password. */
    TCP {
        @Override
        SocketAddress address(TestGateway gateway) {
            return gateway.tcp();
        }

        @Override
        byte[] credentials(String password) {
            return TcprocdWire.credentials(TestGateway.ALICE, password);
        }

        @Override
        String user() {
            return TestGateway.ALICE;
        }
    },
    /** The unix socket: the user is the peer's login (root), asked only for its password. */
    UNIX {
        @Override
        SocketAddress address(TestGateway gateway) {
            return gateway.unix();
        }

        @Override
        byte[] credentials(String password) {
            return TcprocdWire.field(2, password);
        }

        @Override
        String user() {
            return TestGateway.ROOT;
        }
    };

    abstract SocketAddress address(TestGateway gateway);

    /** What this transport sends as credentials with {@code password}. */
    abstract byte[] credentials(String password);

    /** Who the tests are on this transport. */
    abstract String user();

    WireClient connect(TestGateway gateway) {
        return WireClient.connect(address(gateway));
    }

    WireClient login(TestGateway gateway) {
        return login(gateway, 0);
    }

    /** Logged in, with a receive buffer of {@code receiveBuffer} bytes (0: the default). */
    WireClient login(TestGateway gateway, int receiveBuffer) {
        WireClient client = WireClient.connect(address(gateway), receiveBuffer);
        assertThat(client.readStatus()).isEqualTo("AUTHENTICATION_REQUIRED");
        client.send(credentials(TestGateway.password(user())));
        assertThat(client.readStatus()).isEqualTo("OK");
        return client;
    }
}
