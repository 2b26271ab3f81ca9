package io.procgate.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The console page's files, served from the jar: {@code GET /} is {@code index.html}, {@code GET
 * /static/NAME} is {@code NAME}, both from the class-path folder {@value #ROOT}. {@code NAME} is one
 * plain file name (letters, digits, {@code . _ -}, no leading dot, so no path and no traversal) with
 * a known extension; anything else is not found. Files are read once and kept.
 */
final class StaticFiles {
    static final String ROOT = "io/procgate/http/web/";
    static final String INDEX = "index.html";

    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "mjs", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json; charset=utf-8",
            "woff2", "font/woff2");

    /** A file to send. */
    record File(String contentType, byte[] bytes) {}

    private final ClassLoader loader;
    private final String root;
    private final Map<String, Optional<File>> cache = new ConcurrentHashMap<>();

    StaticFiles() {
        this(StaticFiles.class.getClassLoader(), ROOT);
    }

    StaticFiles(ClassLoader loader, String root) {
        this.loader = loader;
        this.root = root;
    }

    /** The file {@code name}, or empty when the name is unsafe, its type unknown or it does not exist. */
    Optional<File> find(String name) {
        if (name == null || !SAFE_NAME.matcher(name).matches() || name.contains("..")) {
            return Optional.empty();
        }
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
        if (type == null) {
            return Optional.empty();
        }
        return cache.computeIfAbsent(name, n -> load(n, type));
    }

    private Optional<File> load(String name, String type) {
        try (InputStream in = loader.getResourceAsStream(root + name)) {
            return in == null ? Optional.empty() : Optional.of(new File(type, in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + root + name, e);
        }
    }
}
