package io.procgate.core.control;

import java.util.Objects;

/**
 * A status and, when it is {@link ControlStatus#OK}, a value.
 *
 * @param value non-null exactly when {@code status} is OK
 */
public record Outcome<T>(ControlStatus status, T value) {
    public Outcome {
        Objects.requireNonNull(status, "status");
        if ((status == ControlStatus.OK) != (value != null)) {
            throw new IllegalArgumentException("a value goes with OK and only with OK");
        }
    }

    public static <T> Outcome<T> ok(T value) {
        return new Outcome<>(ControlStatus.OK, value);
    }

    public static <T> Outcome<T> of(ControlStatus status) {
        return new Outcome<>(status, null);
    }

    public boolean isOk() {
        return status == ControlStatus.OK;
    }
}
