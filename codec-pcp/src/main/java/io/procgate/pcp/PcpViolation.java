package io.procgate.pcp;

/**
 * The rule of the PCP payload grammar (spec section 3) a payload breaks. Every one of them is
 * answered {@code ?} CRLF; the session goes on.
 */
public enum PcpViolation {
    /** Nothing but whitespace and comments, or nothing at all. */
    EMPTY("empty payload"),
    /** More than {@value PcpConstants#MAX_PAYLOAD_BYTES} raw bytes including the line end. */
    TOO_LONG("payload longer than " + PcpConstants.MAX_PAYLOAD_BYTES + " bytes"),
    /** More than {@value PcpConstants#MAX_PAIRS} pairs. */
    TOO_MANY_PAIRS("more than " + PcpConstants.MAX_PAIRS + " pairs"),
    /** A leading, trailing or doubled {@code &}. */
    MISPLACED_AMPERSAND("leading, trailing or doubled '&'"),
    /** A pair without {@code =}. */
    MISSING_EQUALS("pair without '='"),
    EMPTY_KEY("empty key"),
    EMPTY_VALUE("empty value"),
    /** A byte that is neither Text, whitespace nor a delimiter where it stands. */
    BAD_BYTE("byte outside Text"),
    /** A comment whose content is empty or not Text. */
    BAD_COMMENT("comment content is not Text"),
    UNTERMINATED_COMMENT("unterminated comment"),
    /** A {@code %} not followed by two hex digits. */
    BAD_ESCAPE("malformed percent escape");

    private final String description;

    PcpViolation(String description) {
        this.description = description;
    }

    /** A short human-readable description, for logs. */
    public String description() {
        return description;
    }
}
