package io.procgate.pcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PcpPayloadTest {

    @Test
    void encodesPairsInOrderWithPercentEncodedValues() {
        PcpPayload p = PcpPayload.builder()
                .add("response", "status")
                .add("result", "OK")
                .add("error", "no such file: /srv/a b%c?d&e=f#g\n€")
                .add("pid", 4242)
                .query("state")
                .build();
        assertThat(p.encode())
                .isEqualTo(
                        "response=status&result=OK&error=no%20such%20file:%20/srv/a%20b%25c%3Fd%26e%3Df%23g%0A%E2%82%AC"
                                + "&pid=4242&state=?");
    }

    @Test
    void encodedLengthMatchesEncoding() {
        PcpPayload p =
                PcpPayload.builder().add("a", "x y%z").add("b", "€").query("c").build();
        assertThat(p.encodedLength()).isEqualTo(p.encode().length());
    }

    @Test
    void roundTripsArbitraryBytesThroughTheParser() {
        Random random = new Random(42);
        for (int round = 0; round < 2000; round++) {
            byte[] value = new byte[1 + random.nextInt(60)];
            random.nextBytes(value);
            PcpPayload p = PcpPayload.of(PcpPayload.Pair.ofBytes("k", value));
            if (p.encodedLength() + 2 > PcpConstants.MAX_PAYLOAD_BYTES) {
                continue;
            }
            String wire = p.encode();
            assertThat(wire.chars().allMatch(c -> PcpPayload.isText(c) || c == '=' || c == '&' || c == '?'))
                    .isTrue();
            PcpPayload back = new PcpPayloadParser().parse(wire.getBytes(StandardCharsets.US_ASCII));
            assertThat(back.pair(0).valueBytes()).isEqualTo(value);
        }
    }

    @Test
    void refusesToEncodeWhatItWouldReject() {
        PcpPayload tooLong = PcpPayload.builder().add("k", "v".repeat(253)).build();
        assertThatThrownBy(tooLong::encode)
                .isInstanceOfSatisfying(
                        PcpCodecException.class, e -> assertThat(e.violation()).isEqualTo(PcpViolation.TOO_LONG));
        PcpPayload fits = PcpPayload.builder().add("k", "v".repeat(252)).build();
        assertThat(fits.encode()).hasSize(254);
        PcpPayload.Builder many = PcpPayload.builder();
        for (int i = 0; i < 65; i++) {
            many.add("k", "v");
        }
        assertThatThrownBy(many.build()::encode)
                .isInstanceOfSatisfying(
                        PcpCodecException.class, e -> assertThat(e.violation()).isEqualTo(PcpViolation.TOO_MANY_PAIRS));
    }

    @Test
    void refusesUngrammaticalPairs() {
        assertThatThrownBy(() -> PcpPayload.Pair.of("", "v")).isInstanceOf(PcpCodecException.class);
        assertThatThrownBy(() -> PcpPayload.Pair.of("a b", "v")).isInstanceOf(PcpCodecException.class);
        assertThatThrownBy(() -> PcpPayload.Pair.of("a=", "v")).isInstanceOf(PcpCodecException.class);
        assertThatThrownBy(() -> PcpPayload.Pair.of("k", "")).isInstanceOf(PcpCodecException.class);
        assertThatThrownBy(() -> PcpPayload.builder().build()).isInstanceOf(PcpCodecException.class);
    }

    @Test
    void percentCodecRoundTrips() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        String encoded = PcpPayload.percentEncode(all);
        byte[] ascii = encoded.getBytes(StandardCharsets.US_ASCII);
        assertThat(PcpPayload.percentDecode(ascii, 0, ascii.length)).isEqualTo(all);
    }

    @Test
    void parseIsAShortcutForTheParser() {
        assertThat(PcpPayload.parse("a = b #c# & d=?").toString()).isEqualTo("a=b&d=?");
        assertThatThrownBy(() -> PcpPayload.parse("a=€")).isInstanceOf(PcpCodecException.class);
    }
}
