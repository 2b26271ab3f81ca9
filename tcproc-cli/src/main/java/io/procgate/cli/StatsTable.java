package io.procgate.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The table of {@code tcproc status -l}: a header, then per process {@code NAME STATE} as plain
 * {@code status} prints them, then its live figures from the gateway's {@code stats} answer (CPU in
 * cores, RSS in binary units, threads, descriptors, uptime) and a note (how the last run ended, or
 * why a limit could not be applied). A figure the gateway did not send is {@code -}.
 */
final class StatsTable {
    private static final String[] FIGURES = {"CPU", "RSS", "THREADS", "FDS", "UPTIME"};
    private static final String NONE = "-";
    private static final String WIDEST_STATE = "not-running";
    private static final String GAP = "  ";
    private static final long KIB = 1024;
    private static final String UNITS = "KMGTPE";
    private static final long MINUTE = 60;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;

    private record Row(String name, String state, String[] figures, String note) {}

    private final List<Row> rows = new ArrayList<>();

    /** A process and what {@code stats} said of it (empty: nothing, e.g. an unknown name). */
    void add(String name, String state, Map<String, String> stats) {
        String[] figures = {
            cores(stats.get("cpu")),
            bytes(stats.get("rss")),
            plain(stats.get("threads")),
            plain(stats.get("fds")),
            duration(stats.get("uptime"))
        };
        rows.add(new Row(name, state, figures, note(stats)));
    }

    void print(PrintStream out) {
        int nameWidth = "NAME".length();
        // As wide as the widest state, so that the figures stay put from one run to the next.
        int stateWidth = WIDEST_STATE.length();
        int[] widths = new int[FIGURES.length];
        for (int i = 0; i < FIGURES.length; i++) {
            widths[i] = FIGURES[i].length();
        }
        for (Row row : rows) {
            nameWidth = Math.max(nameWidth, row.name().length());
            stateWidth = Math.max(stateWidth, row.state().length());
            for (int i = 0; i < FIGURES.length; i++) {
                widths[i] = Math.max(widths[i], row.figures()[i].length());
            }
        }
        out.println(line(nameWidth, stateWidth, widths, "NAME", "STATE", FIGURES, "NOTE"));
        for (Row row : rows) {
            out.println(line(nameWidth, stateWidth, widths, row.name(), row.state(), row.figures(), row.note()));
        }
    }

    private static String line(
            int nameWidth, int stateWidth, int[] widths, String name, String state, String[] figures, String note) {
        StringBuilder line = new StringBuilder();
        pad(line, name, nameWidth);
        line.append(GAP);
        pad(line, state, stateWidth);
        for (int i = 0; i < figures.length; i++) {
            line.append(GAP);
            line.append(" ".repeat(widths[i] - figures[i].length())).append(figures[i]);
        }
        if (!note.isEmpty()) {
            line.append(GAP).append(note);
        }
        return line.toString();
    }

    private static void pad(StringBuilder line, String text, int width) {
        line.append(text).append(" ".repeat(width - text.length()));
    }

    /** {@code exit 3}, {@code signal SIGKILL (memory limit)}, or a limit or start problem. */
    private static String note(Map<String, String> stats) {
        List<String> parts = new ArrayList<>();
        if (stats.containsKey("exit")) {
            parts.add("exit " + stats.get("exit"));
        } else if (stats.containsKey("signal")) {
            parts.add("signal " + stats.get("signal"));
        }
        if (stats.containsKey("reason")) {
            parts.add("(" + stats.get("reason") + ")");
        }
        if (stats.containsKey("limit-problem")) {
            parts.add("limits: " + stats.get("limit-problem"));
        }
        if (stats.containsKey("error")) {
            parts.add("start failed: " + stats.get("error"));
        }
        return String.join(" ", parts);
    }

    private static String plain(String value) {
        return value == null ? NONE : value;
    }

    /** {@code 0.981} cores as {@code 0.98}. */
    static String cores(String value) {
        Double cores = number(value);
        return cores == null ? NONE : String.format(Locale.ROOT, "%.2f", cores);
    }

    /** Bytes in binary units, as {@code ls -h} prints them: {@code 512B}, {@code 1.5K}, {@code 212M}. */
    static String bytes(String value) {
        Double bytes = number(value);
        if (bytes == null) {
            return NONE;
        }
        if (bytes < KIB) {
            return String.format(Locale.ROOT, "%.0fB", bytes);
        }
        double scaled = bytes;
        int unit = -1;
        while (scaled >= KIB && unit < UNITS.length() - 1) {
            scaled /= KIB;
            unit++;
        }
        // One decimal below 10, so 1.5G is not shown as 2G.
        String format = scaled < 10 ? "%.1f%c" : "%.0f%c";
        return String.format(Locale.ROOT, format, scaled, UNITS.charAt(unit));
    }

    /** Seconds as {@code 42s}, {@code 5m07s}, {@code 1h02m} or {@code 3d04h}. */
    static String duration(String value) {
        Double seconds = number(value);
        if (seconds == null) {
            return NONE;
        }
        long s = seconds.longValue();
        if (s < MINUTE) {
            return s + "s";
        }
        if (s < HOUR) {
            return String.format(Locale.ROOT, "%dm%02ds", s / MINUTE, s % MINUTE);
        }
        if (s < DAY) {
            return String.format(Locale.ROOT, "%dh%02dm", s / HOUR, s % HOUR / MINUTE);
        }
        return String.format(Locale.ROOT, "%dd%02dh", s / DAY, s % DAY / HOUR);
    }

    private static Double number(String value) {
        if (value == null) {
            return null;
        }
        try {
            double parsed = Double.parseDouble(value);
            return parsed >= 0 && Double.isFinite(parsed) ? parsed : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
