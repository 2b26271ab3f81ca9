package io.procgate.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procgate.core.control.Caller;
import io.procgate.core.control.Outcome;
import io.procgate.core.control.ProcessControl;
import io.procgate.host.HistorySlice;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /api/processes/NAME/search?q=TEXT&before=K&limit=M} (docs/web.md): the newest lines
 * below {@code K} that contain {@code TEXT}, ignoring case, over the whole persisted history. The
 * history is scanned backwards in blocks of {@value #BLOCK_LINES} lines, off the event loops (a
 * scan of a long history takes seconds and must not stall other clients): on {@link #executor()},
 * a few threads with a bounded queue (a full queue answers 503).
 */
final class HistorySearch {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    static final int MAX_QUERY_CHARS = 1024;
    static final int BLOCK_LINES = 8192;
    private static final int THREADS = 2;
    private static final int QUEUE = 32;
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    private final ProcessControl processes;
    private final ThreadPoolExecutor executor;

    HistorySearch(ProcessControl processes) {
        this.processes = processes;
        this.executor =
                new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
                    Thread t = new Thread(r, "procgate-http-search-" + THREAD_IDS.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    /** Where searches run; rejects work when {@value #QUEUE} searches wait already. */
    Executor executor() {
        return executor;
    }

    void shutdown() {
        executor.shutdownNow();
    }

    /**
     * Searches lines {@code [first kept, before)} of {@code name}, newest first.
     *
     * @return {@code {"matches": [{"n", "text"}...], "before": B}}, where {@code B} is what to pass as
     *     {@code before} for older matches (the oldest line scanned, or the oldest kept line)
     */
    ObjectNode search(Caller caller, String name, String query, long before, int limit) {
        String needle = query.toLowerCase(Locale.ROOT);
        ArrayNode matches = Json.MAPPER.createArrayNode();
        long oldest = oldestKept(caller, name);
        long blockEnd = before;
        long scannedTo = Math.max(oldest, before);
        while (blockEnd > oldest && matches.size() < limit) {
            long blockStart = Math.max(oldest, blockEnd - BLOCK_LINES);
            List<Long> found = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            long at = blockStart;
            while (at < blockEnd) {
                Outcome<HistorySlice> read = processes.cat(caller, name, at, HistoryLines.READ_BYTES);
                if (!read.isOk()) {
                    throw ProcessViews.unknown(name);
                }
                long stopAt = blockEnd;
                try (HistoryLines.AutoRelease slice = new HistoryLines.AutoRelease(read.value())) {
                    HistorySlice s = slice.slice;
                    if (s.lineCount() == 0) {
                        break;
                    }
                    long taken = SliceLines.forEach(s, (n, content) -> {
                        if (n >= stopAt) {
                            return false;
                        }
                        String text = SliceLines.text(content);
                        if (text.toLowerCase(Locale.ROOT).contains(needle)) {
                            found.add(n);
                            texts.add(text);
                        }
                        return true;
                    });
                    at = s.firstLine() + taken;
                    if (taken < s.lineCount()) {
                        break;
                    }
                }
            }
            for (int i = found.size() - 1; i >= 0 && matches.size() < limit; i--) {
                long n = found.get(i);
                matches.add(Json.object().put("n", n).put("text", texts.get(i)));
                scannedTo = n;
            }
            if (matches.size() < limit) {
                scannedTo = blockStart;
            }
            blockEnd = blockStart;
        }
        ObjectNode answer = Json.object();
        answer.set("matches", matches);
        answer.put("before", Math.min(scannedTo, before));
        return answer;
    }

    private long oldestKept(Caller caller, String name) {
        Outcome<HistorySlice> read = processes.cat(caller, name, 0, 1);
        if (!read.isOk()) {
            throw ProcessViews.unknown(name);
        }
        try (HistoryLines.AutoRelease slice = new HistoryLines.AutoRelease(read.value())) {
            return slice.slice.firstLine();
        }
    }
}
