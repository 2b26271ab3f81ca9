package io.procgate.agones;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes output lines as UTF-8 (malformed bytes replaced) into one reused buffer, so that
 * matching a line allocates nothing beyond the decoder's view of it: the regex scan is the cost.
 * Confined to the thread that delivers the lines (the process's event loop).
 */
final class LineText {
    private static final int INITIAL_CHARS = 256;

    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private CharBuffer chars = CharBuffer.allocate(INITIAL_CHARS);

    /** The text of {@code line}, valid until the next call. */
    CharSequence decode(ByteBuf line) {
        int bytes = line.readableBytes();
        // UTF-8 never yields more chars than bytes; the host's max-line-length bounds the line.
        if (chars.capacity() < bytes) {
            chars = CharBuffer.allocate(Math.max(bytes, chars.capacity() * 2));
        }
        chars.clear();
        ByteBuffer in = line.nioBuffer(line.readerIndex(), bytes);
        decoder.reset();
        decoder.decode(in, chars, true);
        decoder.flush(chars);
        chars.flip();
        return chars;
    }
}
