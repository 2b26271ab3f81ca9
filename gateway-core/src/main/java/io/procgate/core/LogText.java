package io.procgate.core;

/**
 * Client-chosen text in a log line (audit details, refused input): quoted, control characters
 * escaped so that a line stays one line, at most 200 characters shown.
 */
public final class LogText {
    private static final int MAX_SHOWN = 200;

    private LogText() {}

    /** {@code s} quoted for a log line; {@code null} as the word null. */
    public static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), MAX_SHOWN) + 5).append('"');
        int shown = Math.min(s.length(), MAX_SHOWN);
        for (int i = 0; i < shown; i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (shown < s.length()) {
            out.append("...");
        }
        return out.append('"').toString();
    }
}
