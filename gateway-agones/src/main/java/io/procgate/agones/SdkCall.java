package io.procgate.agones;

import io.netty.handler.codec.http.HttpMethod;
import java.util.Objects;

/**
 * One call to the Agones SDK's REST gateway (the paths and bodies of Agones' published {@code
 * sdk.swagger.json} and {@code beta.swagger.json}): a method, a path and a JSON body.
 *
 * @param name what the call is, for logs and the {@code call} tag of the metrics
 * @param subject what it is about (a player, a label), for logs; may be empty
 */
record SdkCall(String name, HttpMethod method, String path, String body, String subject) {
    private static final String EMPTY = "{}";

    SdkCall {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(body, "body");
    }

    /** {@code POST /ready}: the game server can take players. */
    static SdkCall ready() {
        return new SdkCall("ready", HttpMethod.POST, "/ready", EMPTY, "");
    }

    /** {@code POST /health}: still alive. */
    static SdkCall health() {
        return new SdkCall("health", HttpMethod.POST, "/health", EMPTY, "");
    }

    /** {@code POST /shutdown}: this GameServer is done. */
    static SdkCall shutdown() {
        return new SdkCall("shutdown", HttpMethod.POST, "/shutdown", EMPTY, "");
    }

    /** {@code POST /v1beta1/lists/LIST:addValue} with {@code {"value": "VALUE"}}. */
    static SdkCall addValue(String list, String value) {
        return listCall("add-value", list, ":addValue", value);
    }

    /** {@code POST /v1beta1/lists/LIST:removeValue} with {@code {"value": "VALUE"}}. */
    static SdkCall removeValue(String list, String value) {
        return listCall("remove-value", list, ":removeValue", value);
    }

    /** {@code PUT /metadata/label} with {@code {"key": "KEY", "value": "VALUE"}}. */
    static SdkCall setLabel(String key, String value) {
        return new SdkCall(
                "set-label",
                HttpMethod.PUT,
                "/metadata/label",
                "{\"key\": " + Json.string(key) + ", \"value\": " + Json.string(value) + "}",
                key + "=" + value);
    }

    // List names are checked at start (AgonesSettings): nothing in them needs escaping in a path.
    private static SdkCall listCall(String name, String list, String verb, String value) {
        return new SdkCall(
                name,
                HttpMethod.POST,
                "/v1beta1/lists/" + list + verb,
                "{\"value\": " + Json.string(value) + "}",
                list + " " + value);
    }

    @Override
    public String toString() {
        return subject.isEmpty() ? name : name + " " + subject;
    }
}
