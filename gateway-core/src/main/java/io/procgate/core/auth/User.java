package io.procgate.core.auth;

import io.procgate.host.RunAs;
import java.util.Objects;

/**
 * A virtual user of the gateway.
 *
 * @param password the stored password, or {@code null} for none (unix-socket peers then need none)
 * @param runAs whom this user's processes run as, or {@code null} for the gateway's default
 */
public record User(String name, StoredPassword password, boolean admin, RunAs runAs) {
    public User {
        Objects.requireNonNull(name, "name");
    }

    public boolean hasPassword() {
        return password != null;
    }
}
