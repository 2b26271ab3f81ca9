package io.procgate.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procgate.core.control.Caller;
import io.procgate.core.control.ControlStatus;
import io.procgate.core.control.Outcome;
import io.procgate.core.control.ProcessControl;
import io.procgate.host.HistorySlice;
import io.procgate.host.ProcessStatus;

/**
 * {@code GET /api/processes/NAME/lines?from=N&limit=M} (docs/web.md): numbered lines of the history as
 * JSON text. The answer's {@code from} is the number of its first line and {@code next} the one after
 * its last ({@code next - from} = the count of {@code lines}); {@code missed} names the numbers below
 * {@code from} that retention deleted. At most {@value #MAX_LIMIT} lines and about {@value
 * #MAX_ANSWER_BYTES} bytes per answer (always at least one line); read on from {@code next}.
 */
final class HistoryLines {
    static final int DEFAULT_LIMIT = 1000;
    static final int MAX_LIMIT = 10_000;
    /** A bound on one answer however long the lines are (history lines go up to max-line-length). */
    static final long MAX_ANSWER_BYTES = 8L * 1024 * 1024;
    /** How much history one read takes. */
    static final long READ_BYTES = 1024 * 1024;

    private final ProcessControl processes;

    HistoryLines(ProcessControl processes) {
        this.processes = processes;
    }

    /**
     * @param status the process (readable by the caller), or null for a declared one that never ran
     * @param from the first line, or with {@code fromEnd} how many of the last lines
     */
    ObjectNode lines(Caller caller, ProcessStatus status, long from, boolean fromEnd, int limit) {
        long end = status == null ? 0 : status.nextLine();
        long start = fromEnd ? Math.max(0, end - from) : from;
        ArrayNode lines = Json.MAPPER.createArrayNode();
        if (status == null) {
            return answer(0, 0, lines, null);
        }
        ObjectNode missed = null;
        long at = start;
        long first = -1;
        long[] budget = {MAX_ANSWER_BYTES};
        while (lines.size() < limit && budget[0] > 0) {
            Outcome<HistorySlice> read = processes.cat(caller, status.name(), at, Math.min(READ_BYTES, budget[0]));
            if (!read.isOk()) {
                throw read.status() == ControlStatus.PERMISSION_DENIED
                        ? ProcessViews.forbidden(status.name())
                        : ProcessViews.unknown(status.name());
            }
            try (AutoRelease slice = new AutoRelease(read.value())) {
                HistorySlice s = slice.slice;
                if (first < 0) {
                    first = s.firstLine();
                    if (s.firstLine() > at) {
                        missed = Json.object().put("from", at).put("to", s.firstLine());
                    }
                }
                if (s.lineCount() == 0) {
                    break;
                }
                long taken = SliceLines.forEach(s, (n, content) -> {
                    if (lines.size() >= limit) {
                        return false;
                    }
                    budget[0] -= content.readableBytes() + 1;
                    lines.add(SliceLines.text(content));
                    return true;
                });
                at = s.firstLine() + taken;
                if (taken < s.lineCount()) {
                    break;
                }
            }
        }
        if (lines.isEmpty()) {
            // past the end (or nothing kept): the end as the host knows it now
            Outcome<ProcessStatus> now = processes.status(caller, status.name());
            long next = Math.min(Math.max(at, first), now.isOk() ? now.value().nextLine() : end);
            return answer(next, next, lines, missed);
        }
        return answer(at - lines.size(), at, lines, missed);
    }

    private static ObjectNode answer(long from, long next, ArrayNode lines, ObjectNode missed) {
        ObjectNode answer = Json.object().put("from", from).put("next", next);
        answer.set("lines", lines);
        if (missed != null) {
            answer.set("missed", missed);
        }
        return answer;
    }

    /** A slice released when the block ends. */
    static final class AutoRelease implements AutoCloseable {
        final HistorySlice slice;

        AutoRelease(HistorySlice slice) {
            this.slice = slice;
        }

        @Override
        public void close() {
            slice.release();
        }
    }
}
