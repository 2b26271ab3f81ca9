package io.procgate.tcprocd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed input against a real gateway (docs/tcprocd.md, section 7): {@code 05ERROR} and a
 * close, and nothing else; a client that was there before is still served afterwards.
 */
class TcprocdBadInputTest {
    @org.junit.jupiter.api.io.TempDir
    static Path dir;

    static TestGateway gateway;

    private WireClient bystander;

    @BeforeAll
    static void startGateway() {
        gateway = TestGateway.start(dir);
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    @BeforeEach
    void connectBystander() {
        bystander = gateway.tcpLogin(TestGateway.BOB);
    }

    @AfterEach
    void bystanderIsStillServed() {
        bystander.send(TcprocdWire.list());
        assertThat(bystander.readStatus()).isEqualTo("OK");
        bystander.readData();
        bystander.close();
    }

    static Stream<Arguments> malformedRequests() {
        String[] requests = {
            "0x", // a non-digit in a length
            "x", // garbage
            "4list", // a length one digit short
            "04lisp", // an unknown command word
            "04LIST", // command words are lower case
            "08commandx", // a command word longer than any
            "02ls", // shorter than any
            "04kill65" + "a".repeat(65), // a name over 64 bytes
            "04kill00", // an empty name
            "04kill03a b", // a name outside [A-Za-z0-9._-]
            "04kill05../..", // likewise
            "05start01a0x", // a bad command-line length
            "05start01a005a b c00y", // a bad path length
            "03cat01a0", // a start line of no digits
            "03cat01a3x", // a non-digit in a start line
            "07command01a9z9", // a non-digit inside a stdin-line length
            "04lisp04list04list", // bytes after the error are not answered
        };
        return Stream.of(Transport.values()).flatMap(t -> Stream.of(requests).map(r -> Arguments.of(t, r)));
    }

    @ParameterizedTest
    @MethodSource("malformedRequests")
    void malformedRequestIsErrorThenClose(Transport transport, String request) {
        try (WireClient client = transport.login(gateway)) {
            client.send(request);
            assertThat(client.readStatus()).isEqualTo("ERROR");
            client.assertClosed();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void garbageBeforeAuthenticationIsErrorThenClose(Transport transport) {
        try (WireClient client = transport.connect(gateway)) {
            assertThat(client.readStatus()).isEqualTo("AUTHENTICATION_REQUIRED");
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readStatus()).isEqualTo("ERROR");
            client.assertClosed();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aShortFieldWaitsForTheRest(Transport transport) {
        try (WireClient client = transport.login(gateway)) {
            client.send("04kill05abc");
            client.assertSilent(Duration.ofMillis(300));
            client.send("de");
            assertThat(client.readStatus()).isEqualTo("OFFLINE");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aClientThatDisconnectsMidRequestHarmsNobody(Transport transport) {
        try (WireClient client = transport.login(gateway)) {
            client.send("05start08myserver048java -jar");
        }
        try (WireClient client = transport.connect(gateway)) {
            client.send(transport.credentials("wro"));
        }
    }
}
