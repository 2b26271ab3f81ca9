package io.procgate.pcp;

import java.util.Locale;

/**
 * The requests a PCP server answers ({@code request=VERB}, spec section 4); each means the tcprocd
 * command of the same name. {@code attach} has no PCP form: PCP reads output with {@code cat}.
 */
public enum PcpVerb {
    LIST,
    START,
    KILL,
    COMMAND,
    STATUS,
    CAT;

    private static final PcpVerb[] VALUES = values();

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The verb as it appears on the wire, e.g. {@code status}. */
    public String wireName() {
        return wireName;
    }

    /** The verb spelled exactly {@code wire}, or {@code null} for an unknown one. */
    public static PcpVerb fromWire(String wire) {
        for (PcpVerb v : VALUES) {
            if (v.wireName.equals(wire)) {
                return v;
            }
        }
        return null;
    }
}
