package io.procgate.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The documentation files and their fenced blocks. */
final class Docs {
    private Docs() {}

    /** A fenced block: its file, the line of its opening fence, its info string and its text. */
    record Block(Path file, int line, String info, String text) {
        String lang() {
            int space = info.indexOf(' ');
            return space < 0 ? info : info.substring(0, space);
        }

        /** What follows the language, e.g. {@code tcprocd} in {@code session tcprocd}. */
        String argument() {
            int space = info.indexOf(' ');
            return space < 0 ? "" : info.substring(space + 1).strip();
        }

        String where() {
            return root().relativize(file) + ":" + line;
        }
    }

    static Path root() {
        String configured = System.getProperty("procgate.root");
        Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("docs"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root above " + start);
    }

    static Path docsDir() {
        return root().resolve("docs");
    }

    /**
     * Every markdown file under docs/, not descending into {@code src} or the build folder: the
     * build writes and renames report files under {@code target} while these tests walk, and a walk
     * that entered it would fail on a file that vanished between listing and reading.
     */
    static List<Path> markdownFiles() {
        Path docs = docsDir();
        Set<Path> skipped = Set.of(docs.resolve("src"), docs.resolve("target"));
        List<Path> found = new ArrayList<>();
        try {
            Files.walkFileTree(docs, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return skipped.contains(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (file.toString().endsWith(".md")) {
                        found.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        found.sort(null);
        return found;
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Block> blocks(Path file) {
        List<Block> out = new ArrayList<>();
        String[] lines = read(file).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("```") && lines[i].length() > 3) {
                String info = lines[i].substring(3).strip();
                int start = i + 1;
                int end = start;
                while (end < lines.length && !lines[end].startsWith("```")) {
                    end++;
                }
                StringBuilder text = new StringBuilder();
                for (int j = start; j < end; j++) {
                    text.append(lines[j]).append('\n');
                }
                out.add(new Block(file, i + 1, info, text.toString()));
                i = end;
            }
        }
        return out;
    }

    static List<Block> blocks(String lang) {
        List<Block> out = new ArrayList<>();
        for (Path file : markdownFiles()) {
            for (Block b : blocks(file)) {
                if (b.lang().equals(lang)) {
                    out.add(b);
                }
            }
        }
        return out;
    }
}
