package io.procgate.agones;

import io.procgate.agones.testing.FakeAgonesSdk;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** A test's in-process gateway and its fake SDK, both closed after each test (gateway first). */
abstract class GatewayAndSdkTest {
    @TempDir
    Path tmp;

    FakeAgonesSdk sdk;
    AgonesFixture gateway;

    @AfterEach
    void closeGatewayAndSdk() {
        if (gateway != null) {
            gateway.close();
        }
        if (sdk != null) {
            sdk.close();
        }
    }
}
