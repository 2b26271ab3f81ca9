package io.procgate.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.procgate.core.LogText;

/**
 * Reads one client frame of the console WebSocket: {@code {"t": "input", "line": "..."}}, under the
 * rules of {@code POST .../input} (one line, at most 16384 bytes). Anything else is an {@link ApiError}
 * whose message the console sends back as an {@code error} frame; the socket stays open.
 */
final class ConsoleInput {
    private ConsoleInput() {}

    /** The line's bytes for stdin. */
    static byte[] parse(ByteBuf frameText) {
        ObjectNode frame = Json.parseObject(frameText);
        String type = Json.requiredString(frame, "t");
        if (!type.equals("input")) {
            throw ApiError.badRequest("unknown frame type " + LogText.quote(type) + " (expected \"input\")");
        }
        return ApiHandler.checkedLine(Json.requiredString(frame, "line"));
    }
}
