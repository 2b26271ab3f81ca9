package io.procgate.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.procgate.host.ExitStatus;
import io.procgate.host.ProcessStats;
import io.procgate.host.ProcessStatus;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The server-to-client frames of the console WebSocket (docs/web.md, "Console"), one JSON text frame
 * per event: {@code line}, {@code missed}, {@code state}, {@code stats} (the live figures, every
 * {@code gateway.stats-interval} while the process runs) and {@code error} (the answer to an input
 * frame that could not be used).
 */
final class ConsoleFrames {
    private ConsoleFrames() {}

    /** {@code {"t":"line","n":N,"text":"..."}}; {@code content} is read, not retained. */
    static TextWebSocketFrame line(ByteBufAllocator alloc, long n, ByteBuf content) {
        ByteBuf buf = alloc.buffer(content.readableBytes() + 32);
        try {
            writeLine(buf, n, content);
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
        return new TextWebSocketFrame(buf);
    }

    /**
     * Appends the JSON of a {@code line} frame to {@code out} (the payload {@link ConsoleFeed} frames
     * once for all consoles); {@code content} is read, not retained.
     */
    static void writeLine(ByteBuf out, long n, ByteBuf content) {
        String text = SliceLines.text(content);
        writeTo(out, g -> {
            g.writeStringField("t", "line");
            g.writeNumberField("n", n);
            g.writeStringField("text", text);
        });
    }

    /** {@code {"t":"missed","from":A,"to":B}}. */
    static TextWebSocketFrame missed(ByteBufAllocator alloc, long from, long to) {
        return write(alloc, 48, g -> {
            g.writeStringField("t", "missed");
            g.writeNumberField("from", from);
            g.writeNumberField("to", to);
        });
    }

    /** {@code {"t":"state","state":"...","pid":P?,"exit":C?,"signal":"SIG..."?}} as the process list shows it. */
    static TextWebSocketFrame state(ByteBufAllocator alloc, ProcessStatus status) {
        return write(alloc, 96, g -> {
            g.writeStringField("t", "state");
            g.writeStringField("state", status.state().wireName());
            if (status.running() && status.pid() > 0) {
                g.writeNumberField("pid", status.pid());
            }
            ExitStatus exit = status.lastExit();
            if (!status.running() && exit != null) {
                if (exit.killedBySignal()) {
                    g.writeStringField("signal", exit.signalName());
                } else {
                    g.writeNumberField("exit", exit.code());
                }
                if (exit.reason() != null) {
                    g.writeStringField("reason", exit.reason());
                }
            }
            g.writeNumberField("lines", status.nextLine());
        });
    }

    /** {@code {"t":"stats","cpu":CORES,"rss":BYTES,"threads":N,"fds":N,"uptime":SECONDS}}, as the process view's. */
    static TextWebSocketFrame stats(ByteBufAllocator alloc, ProcessStats stats) {
        return write(alloc, 112, g -> {
            g.writeStringField("t", "stats");
            g.writeNumberField("cpu", ProcessViews.roundedCores(stats.cpu()));
            g.writeNumberField("rss", stats.rssBytes());
            g.writeNumberField("threads", stats.threads());
            g.writeNumberField("fds", stats.fds());
            g.writeNumberField("uptime", (long) stats.uptimeSeconds());
        });
    }

    /** The state of a declared process that has not run. */
    static TextWebSocketFrame neverRun(ByteBufAllocator alloc) {
        return write(alloc, 48, g -> {
            g.writeStringField("t", "state");
            g.writeStringField("state", "exited");
            g.writeNumberField("lines", 0);
        });
    }

    /** {@code {"t":"error","error":"...","result":"..."?}}. */
    static TextWebSocketFrame error(ByteBufAllocator alloc, String message, String result) {
        return write(alloc, message.length() + 48, g -> {
            g.writeStringField("t", "error");
            g.writeStringField("error", message);
            if (result != null) {
                g.writeStringField("result", result);
            }
        });
    }

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static TextWebSocketFrame write(ByteBufAllocator alloc, int sizeHint, Fields fields) {
        ByteBuf buf = alloc.buffer(sizeHint);
        try {
            writeTo(buf, fields);
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
        return new TextWebSocketFrame(buf);
    }

    private static void writeTo(ByteBuf buf, Fields fields) {
        try (ByteBufOutputStream out = new ByteBufOutputStream(buf);
                JsonGenerator g = Json.MAPPER.getFactory().createGenerator((java.io.OutputStream) out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
