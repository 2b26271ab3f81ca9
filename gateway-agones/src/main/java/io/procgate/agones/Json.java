package io.procgate.agones;

/** JSON string literals for the few bodies the SDK calls carry (RFC 8259, section 7). */
final class Json {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int FIRST_PRINTABLE = 0x20;

    private Json() {}

    /** {@code s} as a quoted JSON string: quote, backslash and control characters escaped. */
    static String string(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < FIRST_PRINTABLE) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
