package io.procgate.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;

/**
 * The JSON of the API and the console (Jackson): strict parsing (one value, no duplicate keys, a
 * small nesting bound) and helpers that turn a malformed or mistyped request into {@link ApiError}
 * 400 with a message a person can act on.
 */
final class Json {
    /** Requests are small objects: anything deeper is not one of ours. */
    private static final int MAX_NESTING = 16;

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        MAPPER.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING)
                        .build());
    }

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** {@code {"error": message}}. */
    static ObjectNode error(String message) {
        return object().put("error", message);
    }

    /**
     * The request body as a JSON object; an empty body counts as {@code {}}.
     *
     * @throws ApiError 400 when it is not one JSON object
     */
    static ObjectNode bodyObject(ByteBuf body) {
        if (!body.isReadable()) {
            return object();
        }
        return parseObject(body);
    }

    /** @throws ApiError 400 when {@code bytes} are not one JSON object */
    static ObjectNode parseObject(ByteBuf bytes) {
        JsonNode node;
        try (ByteBufInputStream in = new ByteBufInputStream(bytes.duplicate())) {
            node = MAPPER.readTree((java.io.InputStream) in);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.badRequest("not JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw ApiError.badRequest("expected a JSON object");
        }
        return (ObjectNode) node;
    }

    /** A string field, or null when absent; 400 when present with another type. */
    static String optionalString(ObjectNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiError.badRequest("\"" + field + "\" must be a string");
        }
        return value.textValue();
    }

    /** A string field; 400 when absent or of another type. */
    static String requiredString(ObjectNode object, String field) {
        String value = optionalString(object, field);
        if (value == null) {
            throw ApiError.badRequest("\"" + field + "\" is missing");
        }
        return value;
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree always serialises", e);
        }
    }
}
