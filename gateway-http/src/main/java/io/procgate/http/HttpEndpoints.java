package io.procgate.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.procgate.core.health.Readiness;
import java.util.Optional;

/**
 * What each path answers, apart from HTTP itself:
 *
 * <ul>
 *   <li>{@code /healthz}: 200 {@code ok} while the process is up and serving;
 *   <li>{@code /readyz}: 200 {@code ready} when every listener is bound and every autostart process
 *       runs, else 503 {@code not ready: <reason>} (e.g. {@code process lobby is backoff});
 *   <li>{@code /metrics}: 200, every meter in the Prometheus text format 0.0.4;
 *   <li>anything else: 404.
 * </ul>
 */
final class HttpEndpoints {
    /** The content type of the Prometheus text exposition format. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /** A response before HTTP framing. */
    record Answer(int status, String contentType, String body) {}

    private final Readiness readiness;
    private final PrometheusMeterRegistry prometheus;

    HttpEndpoints(Readiness readiness, PrometheusMeterRegistry prometheus) {
        this.readiness = readiness;
        this.prometheus = prometheus;
    }

    /** The answer for {@code path} (without the query string). */
    Answer answer(String path) {
        switch (path) {
            case "/healthz":
                return new Answer(200, HttpReplies.PLAIN_TEXT, "ok\n");
            case "/readyz":
                Optional<String> reason = readiness.notReadyReason();
                return reason.map(r -> new Answer(503, HttpReplies.PLAIN_TEXT, "not ready: " + r + "\n"))
                        .orElseGet(() -> new Answer(200, HttpReplies.PLAIN_TEXT, "ready\n"));
            case "/metrics":
                return new Answer(200, PROMETHEUS_TEXT, prometheus.scrape());
            default:
                return new Answer(404, HttpReplies.PLAIN_TEXT, "not found; try /healthz, /readyz or /metrics\n");
        }
    }
}
