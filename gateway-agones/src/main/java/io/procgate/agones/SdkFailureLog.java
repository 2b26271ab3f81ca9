package io.procgate.agones;

import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the SDK's failures once per change, not once per call: a sidecar that is down logs one
 * line however many calls and retries fail the same way, then one line when it answers again.
 * Confined to the link's event loop.
 */
final class SdkFailureLog {
    private static final Logger LOG = LoggerFactory.getLogger(SdkFailureLog.class);

    private final String sdk;
    /** The failure last logged, or null while calls succeed. */
    private String current;

    SdkFailureLog(InetSocketAddress sdk) {
        this.sdk = sdk.getHostString() + ":" + sdk.getPort();
    }

    /** A call failed in a way worth retrying (no answer, 5xx). */
    void failing(SdkCall call, String problem) {
        if (!problem.equals(current)) {
            current = problem;
            LOG.warn("agones: the SDK at {} fails: {} (on {}; calls are retried with backoff)", sdk, problem, call);
        }
    }

    /** The SDK refused this call for good (a 4xx): it is dropped, and said so once. */
    void refused(SdkCall call, String problem) {
        LOG.warn("agones: the SDK at {} refused {}: {} (not retried)", sdk, call, problem);
    }

    void succeeded(SdkCall call) {
        if (current != null) {
            current = null;
            LOG.info("agones: the SDK at {} answers again ({} succeeded)", sdk, call);
        }
    }
}
