package io.procgate.http;

/**
 * A request the API answers with an error status and {@code {"error": message}} (docs/web.md,
 * "Errors"). Thrown inside a handler and turned into the answer by {@link ApiHandler}; carries no
 * stack trace, since it is an answer, not a fault.
 */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    ApiError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, message);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, message);
    }
}
