package io.procgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.procgate.core.Gateway;
import io.procgate.core.GatewayConfig;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that pipelines gets its answers in the order of its requests, even behind one answered
 * off the loop (a login's password check takes milliseconds, a /healthz microseconds); a client
 * that pipelines without bound is closed.
 */
class PipeliningTest {
    @TempDir
    Path tmp;

    private Gateway start() throws Exception {
        return Gateway.start(GatewayConfig.parse("gateway { data-dir = \"" + tmp.resolve("data")
                + "\", shutdown-timeout = 5s\n http { host = \"127.0.0.1\", port = 0 }\n"
                + " users { alice { password = \"alice-pw\" } } }"));
    }

    private static int port(Gateway g) {
        return ((InetSocketAddress) g.boundAddresses("http").get(0)).getPort();
    }

    private static final String LOGIN_BODY = "{\"user\":\"alice\",\"password\":\"wrong\"}";
    private static final String LOGIN = "POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: " + LOGIN_BODY.length() + "\r\n\r\n" + LOGIN_BODY;
    private static final String HEALTHZ = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final String SHORTEST = "GET /x HTTP/1.1\r\n\r\n";
    private static final String NOT_FOUND = "GET /no-such-page HTTP/1.1\r\nHost: x\r\n\r\n";

    @Test
    void answersComeInRequestOrderBehindOneMadeOffTheLoop() throws Exception {
        try (Gateway g = start();
                Socket s = new Socket("127.0.0.1", port(g))) {
            s.setSoTimeout(10_000);
            // one write: the three requests reach the gateway in one read
            s.getOutputStream().write((LOGIN + HEALTHZ + NOT_FOUND + LOGIN + HEALTHZ).getBytes(StandardCharsets.UTF_8));
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                statuses.add(readAnswer(s.getInputStream()));
            }
            assertThat(statuses).containsExactly(401, 200, 404, 401, 200);
            // and the connection goes on serving one request at a time
            s.getOutputStream().write(HEALTHZ.getBytes(StandardCharsets.US_ASCII));
            assertThat(readAnswer(s.getInputStream())).isEqualTo(200);
        }
    }

    @Test
    void aClientThatPipelinesPastTheBoundIsClosedAndOthersServe() throws Exception {
        try (Gateway g = start();
                Socket s = new Socket("127.0.0.1", port(g))) {
            s.setSoTimeout(10_000);
            // Small enough for one read of the smallest receive buffer (2 KiB): reading pauses
            // behind the login, so only what one read holds can pile up.
            StringBuilder flood = new StringBuilder(LOGIN);
            for (int i = 0; i < ResponseOrder.MAX_WAITING + 1; i++) {
                flood.append(SHORTEST);
            }
            assertThat(flood.length()).isLessThan(2048);
            s.getOutputStream().write(flood.toString().getBytes(StandardCharsets.UTF_8));
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            s.getInputStream().transferTo(all); // to the close
            String answers = all.toString(StandardCharsets.US_ASCII);
            // at most the login's answer got out before the close
            assertThat(answers.split("HTTP/1.1 ", -1).length - 1).isLessThanOrEqualTo(1);
            try (Socket other = new Socket("127.0.0.1", port(g))) {
                other.setSoTimeout(10_000);
                other.getOutputStream().write(HEALTHZ.getBytes(StandardCharsets.US_ASCII));
                assertThat(readAnswer(other.getInputStream())).isEqualTo(200);
            }
        }
    }

    private static int readAnswer(InputStream in) throws Exception {
        return RawHttpAnswer.read(in).status();
    }
}
