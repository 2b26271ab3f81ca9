package io.procgate.tcprocd;

import static org.assertj.core.api.Assertions.assertThat;

/** The two ways to reach tcprocd, for tests that run over both. */
enum Transport {
    /** TCP, logged in as alice with user name and password. */
    TCP {
        @Override
        WireClient connect(TestGateway gateway) {
            return WireClient.connect(gateway.tcp());
        }

        @Override
        WireClient login(TestGateway gateway) {
            return connect(gateway).login(TestGateway.ALICE, TestGateway.password(TestGateway.ALICE));
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
        WireClient connect(TestGateway gateway) {
            return WireClient.connect(gateway.unix());
        }

        @Override
        WireClient login(TestGateway gateway) {
            WireClient client = connect(gateway);
            assertThat(client.readStatus()).isEqualTo("AUTHENTICATION_REQUIRED");
            client.send(credentials(TestGateway.password(TestGateway.ROOT)));
            assertThat(client.readStatus()).isEqualTo("OK");
            return client;
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

    abstract WireClient connect(TestGateway gateway);

    abstract WireClient login(TestGateway gateway);

    /** What this transport sends as credentials with {@code password}. */
    abstract byte[] credentials(String password);

    abstract String user();
}
