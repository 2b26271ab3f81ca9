package io.procgate.host.flood;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child that floods a host running in a JVM of {@link #HEAP} of heap, less than the flood's
 * longest line: memory stays bounded (the JVM would fail otherwise; the peak is printed), the
 * history is exact and live subscribers get the line split at the maximum line length.
 */
class FloodTest {
    /** Smaller than the 100 MiB line: a line buffered whole could not fit. */
    private static final String HEAP = "-Xmx48m";

    private static final long MAX_LINE = 64 << 10;

    @TempDir
    Path tmp;

    private Map<String, String> run(String mode, long size) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(
                java,
                HEAP,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                FloodRunner.class.getName(),
                tmp.resolve("data").toString(),
                mode,
                Long.toString(size)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        String result =
                out.lines().filter(l -> l.startsWith("lines=")).findFirst().orElseThrow(() -> new AssertionError(out));
        System.out.println(mode + " flood of " + size + " bytes: " + result);
        Map<String, String> values = new HashMap<>();
        for (String word : result.split(" ")) {
            String[] kv = word.split("=", 2);
            values.put(kv[0], kv[1]);
        }
        return values;
    }

    @Test
    void aHundredMegabyteLineIsSplitAtTheMaximumLineLengthWithBoundedMemory() throws Exception {
        long size = 100L << 20;
        Map<String, String> r = run("line", size);
        long pieces = size / MAX_LINE; // 1600, the last one ends in the newline
        assertThat(r.get("lines")).isEqualTo(Long.toString(pieces + 1));
        assertThat(r.get("liveLines")).isEqualTo(Long.toString(pieces + 1));
        assertThat(r.get("liveBytes")).isEqualTo(Long.toString(size + "after".length()));
        assertThat(r.get("longest")).isEqualTo(Long.toString(MAX_LINE));
        assertThat(r.get("wrong")).isEqualTo("0");
        assertThat(r.get("last")).isEqualTo("after");
        assertThat(r.get("badLines")).isEqualTo("0");
        assertThat(Long.parseLong(r.get("keptLines"))).isPositive();
    }

    @Test
    void aGigabyteWithoutANewlineIsSplitKeptAndStreamedWithBoundedMemory() throws Exception {
        long size = 1L << 30;
        Map<String, String> r = run("stream", size);
        long pieces = size / MAX_LINE;
        assertThat(r.get("lines")).isEqualTo(Long.toString(pieces));
        assertThat(r.get("liveLines")).isEqualTo(Long.toString(pieces));
        assertThat(r.get("liveBytes")).isEqualTo(Long.toString(size));
        assertThat(r.get("longest")).isEqualTo(Long.toString(MAX_LINE));
        assertThat(r.get("wrong")).isEqualTo("0");
        assertThat(r.get("badLines")).isEqualTo("0");
        // Retention (64 MiB here) keeps the newest lines, each a full piece plus the newline added on reading.
        assertThat(Long.parseLong(r.get("keptBytes"))).isEqualTo(Long.parseLong(r.get("keptLines")) * (MAX_LINE + 1));
    }
}
