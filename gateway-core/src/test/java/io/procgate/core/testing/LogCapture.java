package io.procgate.core.testing;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures the formatted messages logged while it is open (all loggers at INFO and above), for
 * assertions on log lines: {@code try (LogCapture logs = LogCapture.start()) { ... logs.messages() }}.
 */
public final class LogCapture implements AutoCloseable {
    private final List<String> messages = new ArrayList<>();
    private final List<String> loggers = new ArrayList<>();
    private final AbstractAppender appender;
    private final LoggerContext context;

    private LogCapture() {
        context = (LoggerContext) LogManager.getContext(false);
        appender = new AbstractAppender("capture-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                synchronized (messages) {
                    messages.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
                    loggers.add(event.getLoggerName());
                }
            }
        };
        appender.start();
        Configuration config = context.getConfiguration();
        config.addAppender(appender);
        // Every logger of the test configuration is additive, so the root sees everything.
        config.getRootLogger().addAppender(appender, Level.INFO, null);
        context.updateLoggers();
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    /** Every message so far, as {@code LEVEL message}. */
    public List<String> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    /** Messages logged by {@code loggerName}. */
    public List<String> messages(String loggerName) {
        synchronized (messages) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < messages.size(); i++) {
                if (loggers.get(i).equals(loggerName)) {
                    out.add(messages.get(i));
                }
            }
            return out;
        }
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        config.getRootLogger().removeAppender(appender.getName());
        context.updateLoggers();
        appender.stop();
    }
}
