package io.procgate.core.config;

import com.typesafe.config.ConfigOrigin;

/**
 * A configuration error with a message fit to show a user as one line, such as
 * {@code gateway.tcprocd.listners: unknown key (gateway.conf:3)}. It extends Typesafe's
 * exception so that one {@code catch (com.typesafe.config.ConfigException e)} handles both; the
 * launcher prints {@code config error: } followed by the message.
 */
public class ConfigException extends com.typesafe.config.ConfigException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    /** An error about {@code path}, located at {@code origin} (may be null). */
    public static ConfigException at(String path, String problem, ConfigOrigin origin) {
        return new ConfigException(path + ": " + problem + where(origin));
    }

    /**
     * Where a value came from, as {@code " (file.conf:3)"}, or an empty string when unknown. Values
     * from a string (tests) show as {@code " (line 3)"}.
     */
    public static String where(ConfigOrigin origin) {
        if (origin == null) {
            return "";
        }
        String source = origin.filename();
        if (source == null) {
            source = origin.resource();
        }
        if (source == null && origin.url() != null) {
            source = origin.url().toString();
        }
        int line = origin.lineNumber();
        if (source == null) {
            return line > 0 ? " (line " + line + ")" : "";
        }
        return line > 0 ? " (" + source + ":" + line + ")" : " (" + source + ")";
    }

    /** One line for any Typesafe exception: ours as they are, others with line breaks folded. */
    public static String oneLine(com.typesafe.config.ConfigException e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.replaceAll("\\s*\\R\\s*", " ");
    }
}
