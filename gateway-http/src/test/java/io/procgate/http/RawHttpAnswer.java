package io.procgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** One HTTP/1.1 answer read off a raw socket: its head, and a body of its Content-Length. */
record RawHttpAnswer(String head, String body) {
    static RawHttpAnswer read(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("an answer's head ended").isNotEqualTo(-1);
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(
                        line.substring("content-length:".length()).trim());
            }
        }
        return new RawHttpAnswer(head.toString(), new String(in.readNBytes(length), StandardCharsets.US_ASCII));
    }

    int status() {
        return Integer.parseInt(head.substring("HTTP/1.1 ".length(), "HTTP/1.1 ".length() + 3));
    }

    @Override
    public String toString() {
        return head + body;
    }
}
