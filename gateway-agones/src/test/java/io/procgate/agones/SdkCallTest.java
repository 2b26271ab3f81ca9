package io.procgate.agones;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The calls' paths and bodies, as the SDK's swagger definitions name them. */
class SdkCallTest {
    @Test
    void lifecycleCallsPostAnEmptyObject() {
        assertThat(SdkCall.ready())
                .extracting(c -> c.method().name(), SdkCall::path, SdkCall::body)
                .containsExactly("POST", "/ready", "{}");
        assertThat(SdkCall.health().path()).isEqualTo("/health");
        assertThat(SdkCall.shutdown().path()).isEqualTo("/shutdown");
    }

    @Test
    void listAndLabelCallsCarryTheirValuesAsJsonStrings() {
        SdkCall add = SdkCall.addValue("players", "Ann \"the\" \\ best\u0001");
        assertThat(add.path()).isEqualTo("/v1beta1/lists/players:addValue");
        assertThat(add.body()).isEqualTo("{\"value\": \"Ann \\\"the\\\" \\\\ best\\u0001\"}");
        assertThat(SdkCall.removeValue("players", "bob").path()).isEqualTo("/v1beta1/lists/players:removeValue");
        SdkCall label = SdkCall.setLabel("map", "dust2");
        assertThat(label.method().name()).isEqualTo("PUT");
        assertThat(label.path()).isEqualTo("/metadata/label");
        assertThat(label.body()).isEqualTo("{\"key\": \"map\", \"value\": \"dust2\"}");
    }
}
