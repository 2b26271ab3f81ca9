package io.procgate.http;

import io.procgate.core.LogText;
import java.util.List;
import java.util.Map;

/** Query-string parameters of the API: one value each, numbers strictly decimal, else 400. */
final class Query {
    private Query() {}

    static String string(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw ApiError.badRequest("\"" + name + "\" is given more than once");
        }
        return values.get(0);
    }

    static long longValue(Map<String, List<String>> query, String name, long fallback) {
        String value = string(query, name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        if (!value.matches("-?[0-9]{1,18}")) {
            throw ApiError.badRequest("\"" + name + "\" must be an integer, got " + LogText.quote(value));
        }
        return Long.parseLong(value);
    }

    /** A count from 0, at most {@code max} (a larger one is taken as {@code max}). */
    static int limit(Map<String, List<String>> query, String name, int fallback, int max) {
        long value = longValue(query, name, fallback);
        if (value < 0) {
            throw ApiError.badRequest("\"" + name + "\" must not be negative");
        }
        return (int) Math.min(value, max);
    }
}
