package io.procgate.tcpr;

import io.procgate.host.ProcessSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A small sh program that behaves like a game server console: prints {@code Server started},
 * then a {@code tick N} log line every {@code tickSeconds} (0: none), and answers commands read
 * from stdin.
 */
final class ConsoleScript {
    static final String TEXT = """
            #!/bin/sh
            echo "Server started"
            ticker=
            if [ "$1" != 0 ]; then
              ( i=0; while :; do echo "tick $i"; i=$((i+1)); sleep "$1"; done ) &
              ticker=$!
            fi
            trap '[ -n "$ticker" ] && kill $ticker 2>/dev/null' EXIT
            while IFS= read -r line; do
              case "$line" in
                /quit) echo "quitting"; exit 0 ;;
                /players) echo "[players] alice bob" ;;
                /long) head -c 40000 /dev/zero | tr '\\0' L; echo ;;
                /flood*)
                  # N lines of about 100 bytes, in batches of 500 some milliseconds apart
                  n=${line#/flood }; i=0
                  while [ $i -lt "$n" ]; do
                    seq $((i + 1)) $((i + 500)) | sed 's/$/ flood line padded to make it about one hundred bytes long ............/'
                    i=$((i + 500)); sleep 0.02
                  done
                  echo "flood done" ;;
                /utf8) printf 'bad \\377\\376 bytes\\n' ;;
                *) echo "you said: $line" ;;
              esac
            done
            """;

    private ConsoleScript() {}

    static Path write(Path dir) throws IOException {
        Path script = dir.resolve("console.sh");
        Files.writeString(script, TEXT);
        return script;
    }

    static ProcessSpec spec(Path script, String tickSeconds) {
        return ProcessSpec.of(List.of("sh", script.toString(), tickSeconds));
    }
}
