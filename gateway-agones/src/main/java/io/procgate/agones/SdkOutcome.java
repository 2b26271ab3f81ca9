package io.procgate.agones;

/**
 * How one SDK call ended. A 2xx answer is a success; no answer (refused, reset, timed out) or a
 * 5xx/429 is worth a retry, since the sidecar may be starting or busy; any other answer means the
 * SDK refused this call (a value not in its List, a List the GameServer does not declare), and
 * repeating it would get the same answer.
 *
 * @param status the HTTP status, or 0 when there was no answer
 * @param problem what went wrong, stable across repeats of the same failure (for "logged once per
 *     change"), or null on success
 */
record SdkOutcome(int status, String problem) {
    private static final int TOO_MANY_REQUESTS = 429;
    private static final int MAX_DETAIL = 200;

    static SdkOutcome answered(int status, String body) {
        if (status >= 200 && status < 300) {
            return new SdkOutcome(status, null);
        }
        String detail = body == null ? "" : body.strip();
        if (detail.length() > MAX_DETAIL) {
            detail = detail.substring(0, MAX_DETAIL) + "...";
        }
        return new SdkOutcome(status, "HTTP " + status + (detail.isEmpty() ? "" : ": " + detail));
    }

    static SdkOutcome noAnswer(String problem) {
        return new SdkOutcome(0, problem);
    }

    boolean ok() {
        return problem == null;
    }

    /** Whether the same call may succeed later (the sidecar was down, busy or failing). */
    boolean retryable() {
        return !ok() && (status == 0 || status >= 500 || status == TOO_MANY_REQUESTS);
    }
}
