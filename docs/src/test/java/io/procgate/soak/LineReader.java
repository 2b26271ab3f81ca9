package io.procgate.soak;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads {@code \n}-ended lines from a stream, as tcprocd attach and TCPR send them. */
final class LineReader {
    private LineReader() {}

    /** The next line without its {@code \n}; an {@link EOFException} when the stream ends in or before it. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new EOFException("closed in a line");
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
