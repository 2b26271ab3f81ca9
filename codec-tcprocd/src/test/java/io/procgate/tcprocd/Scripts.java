package io.procgate.tcprocd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Shell scripts for the children of end-to-end tests. */
final class Scripts {
    private Scripts() {}

    /** Prints its arguments, its directory, 150 numbered lines and "ready", then echoes stdin until "quit". */
    static final String SERVER = "echo \"args: $*\"\n"
            + "echo \"cwd: $(pwd)\"\n"
            + "i=0\n"
            + "while [ $i -lt 150 ]; do echo \"line $i\"; i=$((i+1)); done\n"
            + "echo ready\n"
            + "while read -r l; do\n"
            + "  [ \"$l\" = quit ] && exit 0\n"
            + "  echo \"got $l\"\n"
            + "done\n";

    /** Echoes stdin as "got LINE" until "quit". */
    static final String ECHO =
            "while read -r l; do\n" + "  [ \"$l\" = quit ] && exit 0\n" + "  echo \"got $l\"\n" + "done\n";

    static Path write(Path dir, String name, String body) {
        try {
            Path script = dir.resolve(name);
            Files.writeString(script, "#!/bin/sh\n" + body);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            return script;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
