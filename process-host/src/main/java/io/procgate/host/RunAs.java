package io.procgate.host;

import java.util.Objects;

/**
 * The account a child runs as: a login name and optionally a group. A {@code null} group means the
 * user's primary group. The gateway switches to it with {@code setpriv}, so it needs root or
 * CAP_SETUID/CAP_SETGID to run children as anyone but itself.
 */
public record RunAs(String user, String group) {
    public RunAs {
        Objects.requireNonNull(user, "user");
        if (user.isBlank()) {
            throw new IllegalArgumentException("run-as user must not be blank");
        }
        if (group != null && group.isBlank()) {
            group = null;
        }
    }

    public static RunAs user(String user) {
        return new RunAs(user, null);
    }

    @Override
    public String toString() {
        return group == null ? user : user + ":" + group;
    }
}
