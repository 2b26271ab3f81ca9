package io.procgate.tcprocd;

import io.procgate.core.schedule.ScheduledRun;
import io.procgate.host.ExitStatus;
import io.procgate.host.ProcessStats;
import io.procgate.host.ProcessStatus;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The answer to {@code stats} (an extension beyond the original manual, docs/protocols/tcprocd.md,
 * "Extension: stats"): {@code 02OK} with data like {@code list}'s, the data being one {@code key
 * value\n} line per field, in the order of {@link #of}. Keys are lower case words with dashes; a
 * value is the rest of its line and never holds a control character (they are sent as spaces), so
 * a client splits each line at its first space.
 *
 * <p>Every answer has {@code state}; a running process has {@code pid} and, once sampled, the live
 * figures {@code cpu rss threads fds uptime} (the fields of {@code GET /api/processes/NAME}'s
 * {@code stats}); a process that is not running has its last exit ({@code exit} or {@code signal},
 * and {@code reason}) instead.
 */
public record TcprocdStatsResponse(List<Field> fields) implements TcprocdMessage {
    public static final String STATE = "state";
    public static final String PID = "pid";
    public static final String OWNER = "owner";
    public static final String SINCE = "since";
    public static final String RESTARTS = "restarts";
    public static final String LINES = "lines";
    /** CPU seconds per second over the last interval, summed over the process group, to 0.001. */
    public static final String CPU = "cpu";
    /** Resident memory of the group in bytes. */
    public static final String RSS = "rss";

    public static final String THREADS = "threads";
    public static final String FDS = "fds";
    /** Whole seconds since this run started. */
    public static final String UPTIME = "uptime";
    /** The last run's exit code (not running, ended by an exit). */
    public static final String EXIT = "exit";
    /** The signal that ended the last run, e.g. {@code SIGKILL} (not running, ended by a signal). */
    public static final String SIGNAL = "signal";
    /** Why the last run ended when the host knows better than the signal, e.g. {@code memory limit}. */
    public static final String REASON = "reason";
    /** Why the last start failed. */
    public static final String ERROR = "error";
    /** Why a limit could not be applied ({@code limits.required = false}). */
    public static final String LIMIT_PROBLEM = "limit-problem";
    /** The soonest scheduled run: {@code INSTANT ACTION}, the instant in ISO-8601 (UTC). */
    public static final String NEXT_RUN = "next-run";

    private static final Pattern KEY = Pattern.compile("[a-z][a-z-]*");

    /** One {@code key value} line. */
    public record Field(String key, String value) {
        public Field {
            if (!KEY.matcher(Objects.requireNonNull(key, "key")).matches()) {
                throw new IllegalArgumentException("not a stats key: " + key);
            }
            value = printable(Objects.requireNonNull(value, "value"));
        }
    }

    public TcprocdStatsResponse {
        fields = List.copyOf(fields);
    }

    /**
     * What {@code stats} says of {@code status}; {@code schedules} are the process's schedules with
     * their next runs (the soonest is sent).
     */
    public static TcprocdStatsResponse of(ProcessStatus status, List<ScheduledRun> schedules) {
        List<Field> out = new ArrayList<>();
        out.add(new Field(STATE, status.state().wireName()));
        if (status.running() && status.pid() > 0) {
            out.add(new Field(PID, Long.toString(status.pid())));
        }
        if (status.owner() != null && !status.owner().isEmpty()) {
            out.add(new Field(OWNER, status.owner()));
        }
        if (status.since() != null) {
            out.add(new Field(SINCE, status.since().toString()));
        }
        out.add(new Field(RESTARTS, Integer.toString(status.restarts())));
        out.add(new Field(LINES, Long.toString(status.nextLine())));
        ProcessStats stats = status.stats();
        if (status.running() && stats != null) {
            out.add(new Field(CPU, String.format(Locale.ROOT, "%.3f", stats.cpu())));
            out.add(new Field(RSS, Long.toString(stats.rssBytes())));
            out.add(new Field(THREADS, Integer.toString(stats.threads())));
            out.add(new Field(FDS, Integer.toString(stats.fds())));
            out.add(new Field(UPTIME, Long.toString((long) stats.uptimeSeconds())));
        }
        ExitStatus exit = status.lastExit();
        if (!status.running() && exit != null) {
            out.add(
                    exit.killedBySignal()
                            ? new Field(SIGNAL, exit.signalName())
                            : new Field(EXIT, Integer.toString(exit.code())));
            if (exit.reason() != null) {
                out.add(new Field(REASON, exit.reason()));
            }
        }
        if (status.lastError() != null) {
            out.add(new Field(ERROR, status.lastError()));
        }
        if (status.limitProblem() != null) {
            out.add(new Field(LIMIT_PROBLEM, status.limitProblem()));
        }
        schedules.stream()
                .filter(run -> run.next() != null)
                .min(Comparator.comparing(ScheduledRun::next))
                .ifPresent(run -> out.add(new Field(NEXT_RUN, run.next() + " " + run.action())));
        return new TcprocdStatsResponse(out);
    }

    /** The data part: every field as {@code key value\n}, in UTF-8. */
    byte[] data() {
        ByteArrayOutputStream data = new ByteArrayOutputStream(fields.size() * 16);
        for (Field field : fields) {
            data.writeBytes(field.key().getBytes(StandardCharsets.US_ASCII));
            data.write(' ');
            data.writeBytes(field.value().getBytes(StandardCharsets.UTF_8));
            data.write('\n');
        }
        return data.toByteArray();
    }

    /** {@code text} with every control character (a line break above all) as a space. */
    private static String printable(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                if (out == null) {
                    out = new StringBuilder(text);
                }
                out.setCharAt(i, ' ');
            }
        }
        return out == null ? text : out.toString();
    }
}
