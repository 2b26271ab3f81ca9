package io.procgate.tcprocd;

/**
 * Field widths and limits of the tcprocd wire protocol (docs/tcprocd.md, section 2).
 *
 * <p>Every request field is {@code LEN FIELD}: LEN is a fixed number of ASCII digits giving the
 * byte length of FIELD in UTF-8. The width of LEN bounds the field, so no field can ask the decoder
 * to allocate more than 999 bytes.
 */
public final class TcprocdConstants {

    /** Digits in the length of a command word, process name, username or password. */
    public static final int SHORT_LENGTH_DIGITS = 2;

    /** Digits in the length of a command line, path or stdin line. */
    public static final int LONG_LENGTH_DIGITS = 3;

    /** Digits in the length of {@code start_line} (cat) and of the data length in responses. */
    public static final int NUMBER_LENGTH_DIGITS = 1;

    /** The longest username or password: what two length digits can say. */
    public static final int MAX_SHORT_FIELD = 99;

    /** The longest command line, path or stdin line: what three length digits can say. */
    public static final int MAX_LONG_FIELD = 999;

    /** The longest {@code start_line}: nine digits. */
    public static final int MAX_NUMBER_DIGITS = 9;

    /** Process names match {@code [A-Za-z0-9._-]{1,64}}. */
    public static final int MAX_NAME = 64;

    /** The shortest and longest command words ({@code cat}, {@code command}). */
    public static final int MIN_COMMAND_WORD = 3;

    public static final int MAX_COMMAND_WORD = 7;

    /**
     * The most a paused decoder (credentials waiting for their check, or an attach waiting for its
     * answer) holds of bytes that arrived after its last request, before it gives up with ERROR.
     * Reading is off while it waits, so only a misbehaving client gets near this.
     */
    public static final int MAX_HELD_BYTES = 64 * 1024;

    /** The longest line an attached client may send to the process's stdin. */
    public static final int MAX_ATTACH_LINE = 64 * 1024;

    // The defaults of max-response and attach-buffer live in reference.conf only.

    /** Default TCP port of a tcprocd listener that names none. */
    public static final int DEFAULT_PORT = 20103;

    /** Default time a connection may take to authenticate. */
    public static final java.time.Duration DEFAULT_AUTH_TIMEOUT = java.time.Duration.ofSeconds(10);

    /** The protocol's name: plugin name, config key and {@code Caller} protocol. */
    public static final String PROTOCOL = "tcprocd";

    private TcprocdConstants() {}
}
