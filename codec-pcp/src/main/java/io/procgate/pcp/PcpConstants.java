package io.procgate.pcp;

import java.time.Duration;

/**
 * Wire constants and limits of PCP, the line protocol of Ring* arcade systems (see
 * {@code docs/} and {@code specs/pcp.md}): the special bytes, the payload limits, and the defaults of
 * a listener.
 */
public final class PcpConstants {

    /** Sent by the server when it is ready for a command. */
    public static final byte PROMPT = '>';

    /** Sent by the consumer after it has read a transfer. */
    public static final byte ACK = '$';

    /** The whole payload of the answer to a request the server cannot process. */
    public static final byte UNPROCESSABLE = '?';

    /** A value of exactly this byte asks for the pair in the response ({@code state=?}). */
    public static final byte QUERY = '?';

    public static final byte PAIR_SEPARATOR = '&';
    public static final byte KEY_VALUE_SEPARATOR = '=';
    public static final byte COMMENT = '#';
    public static final byte PERCENT = '%';
    public static final byte CR = '\r';
    public static final byte LF = '\n';

    /** Payloads must not exceed this many raw bytes, comments, whitespace and the line end included. */
    public static final int MAX_PAYLOAD_BYTES = 256;

    /** A payload holds at most this many key-value pairs. */
    public static final int MAX_PAIRS = 64;

    /** Line ends the server sends: always CRLF. */
    public static final int CRLF_LENGTH = 2;

    /** The first pair of every request: {@code request=VERB}. */
    public static final String REQUEST_KEY = "request";

    /** The first pair of every response: {@code response=VERB}. */
    public static final String RESPONSE_KEY = "response";

    /** The second pair of every response: {@code result=STATUS}. */
    public static final String RESULT_KEY = "result";

    /** Pairs of a response that announces a transfer. */
    public static final String PORT_KEY = "port";

    public static final String SIZE_KEY = "size";

    /** Default command port (Ring services use 40100-40115). */
    public static final int DEFAULT_PORT = 40100;

    /** Default data port: 0 opens a fresh ephemeral port for every transfer. */
    public static final int DEFAULT_DATA_PORT = 0;

    /** How long a consumer has to connect to a transfer's data port. */
    public static final Duration DEFAULT_TRANSFER_TIMEOUT = Duration.ofSeconds(10);

    /** The most history one {@code cat} transfer carries; it always ends at a line boundary. */
    public static final long MAX_CAT_BYTES = 64L << 20;

    /** Requests queued behind a busy session before the session stops reading its socket. */
    public static final int MAX_QUEUED_MESSAGES = 16;

    private PcpConstants() {}
}
