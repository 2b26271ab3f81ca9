package io.procgate.core.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A cron expression of crontab(5): five fields (minute hour day-of-month month day-of-week) or one
 * of {@code @yearly @annually @monthly @weekly @daily @midnight @hourly}. Parsing, validation and
 * the next run, with its time-zone and daylight-saving rules, are cron-utils' (its {@code UNIX}
 * definition); the shortcuts are spelt out here as crontab(5) defines them, since that definition
 * takes none.
 */
public final class CronSchedule {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final Map<String, String> SHORTCUTS = Map.of(
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");

    /** What cron-utils puts before its reason; our message says it already. */
    private static final String LIBRARY_PREFIX = "Failed to parse cron expression. ";

    private final String text;
    private final ExecutionTime times;

    private CronSchedule(String text, ExecutionTime times) {
        this.text = text;
        this.times = times;
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException with the library's reason, e.g. {@code Value 61 not in range [0, 59]}
     */
    public static CronSchedule parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (trimmed.startsWith("@")) {
            String fields = SHORTCUTS.get(trimmed.toLowerCase(Locale.ROOT));
            if (fields == null) {
                throw new IllegalArgumentException("unknown shortcut (expected one of @yearly @annually @monthly"
                        + " @weekly @daily @midnight @hourly)");
            }
            return new CronSchedule(trimmed, ExecutionTime.forCron(PARSER.parse(fields)));
        }
        try {
            Cron cron = PARSER.parse(trimmed);
            cron.validate();
            return new CronSchedule(trimmed, ExecutionTime.forCron(cron));
        } catch (IllegalArgumentException e) {
            String why = e.getMessage() == null ? "not a cron expression" : e.getMessage();
            throw new IllegalArgumentException(why.replace(LIBRARY_PREFIX, ""), e);
        }
    }

    /** The first run strictly after {@code time}, in {@code time}'s zone; empty if there is none. */
    public Optional<ZonedDateTime> nextAfter(ZonedDateTime time) {
        return times.nextExecution(time);
    }

    /** The expression as written. */
    public String text() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CronSchedule other && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
