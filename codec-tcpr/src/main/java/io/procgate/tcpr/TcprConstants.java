package io.procgate.tcpr;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Limits, defaults and fixed texts of the TCPR front-end (docs: {@code shared/specs/tcpr.md}, after
 * King Arthur's Gold's remote console, {@code shared/seeds/tcpr-protocol.txt}).
 */
public final class TcprConstants {

    /**
     * Longest line content, in bytes, the server sends in one line (longer output is split) and
     * accepts from a client (longer input is rejected). KAG splits at "~16k"; the prefix and the
     * newline are not counted.
     */
    public static final int MAX_LINE_BYTES = 16384;

    /** KAG's default TCPR port. */
    public static final int DEFAULT_PORT = 50301;

    /** Default for the listener key {@code max-clients}. */
    public static final int DEFAULT_MAX_CLIENTS = 64;

    /** Default for the listener key {@code auth-timeout}. */
    public static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(10);

    /** Output bytes queued for one client that does not read before lines are dropped. */
    public static final long DEFAULT_CLIENT_BUFFER_BYTES = 1L << 20;

    /** Length of the {@code [HH:MM:SS] } prefix. */
    public static final int TIMESTAMP_PREFIX_LENGTH = "[HH:MM:SS] ".length();

    /**
     * What follows the bare {@code HH:MM:SS} of the shutdown line. No brackets, no space: real
     * clients match {@code ^\d\d:\d\d:\d\dTCPR: server shutting down}, so this is byte-exact.
     */
    public static final byte[] SHUTDOWN_SUFFIX = "TCPR: server shutting down.".getBytes(StandardCharsets.US_ASCII);

    /** {@code TCP RCON Connection from ADDR:PORT is now authenticated}: the text around the peer. */
    public static final String AUTHENTICATED_BEFORE = "TCP RCON Connection from ";

    public static final String AUTHENTICATED_AFTER = " is now authenticated";

    /** {@code RCON command from ADDR:PORT :}, the first of the two echo lines KAG sends for a command. */
    public static final String COMMAND_FROM_BEFORE = "RCON command from ";

    public static final String COMMAND_FROM_AFTER = " :";

    /** Marks lines the gateway itself adds to the stream, so that tools can tell them from output. */
    public static final String GATEWAY_TAG = "[gateway] ";

    /** {@code [gateway] missed N lines}: a slow client's stream resumed after dropping N lines. */
    public static final String MISSED_BEFORE = GATEWAY_TAG + "missed ";

    public static final String MISSED_AFTER = " lines";

    /** Reply to an input line over {@link #MAX_LINE_BYTES}; the line is discarded. */
    public static final String LINE_TOO_LONG =
            GATEWAY_TAG + "line too long (more than " + MAX_LINE_BYTES + " bytes), not delivered";

    private TcprConstants() {}

    /** Reply to a line sent while {@code process} is not running; the line is discarded. */
    public static String notRunning(String process) {
        return GATEWAY_TAG + "process " + process + " is not running, line not delivered";
    }

    /** Reply to a line the process's stdin had no room for; the line is discarded. */
    public static String stdinFull(String process) {
        return GATEWAY_TAG + "process " + process + " is not reading its input, line not delivered";
    }
}
