package io.procgate.core.auth;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks names and passwords against the table of configured users. The table is replaced as a
 * whole ({@link #replaceUsers}) when the configuration is reloaded; a check in progress sees
 * either the old or the new table, never a mix.
 *
 * <p>An unknown user, or a user without a password, is checked against a dummy hash that costs
 * as many iterations as the most expensive configured hash, so that the answer's timing does not
 * tell whether a name exists.
 */
public final class UserTableAuthenticator implements Authenticator {
    private final Pbkdf2PasswordHasher hasher;
    private volatile Table table;

    private record Table(Map<String, User> users, StoredPassword dummy) {}

    public UserTableAuthenticator(Pbkdf2PasswordHasher hasher, Collection<User> users) {
        this.hasher = hasher;
        replaceUsers(users);
    }

    /** Installs a new user table; later checks use it. */
    public void replaceUsers(Collection<User> users) {
        Map<String, User> byName =
                users.stream().collect(Collectors.toUnmodifiableMap(User::name, Function.identity()));
        int rounds = users.stream()
                .filter(User::hasPassword)
                .mapToInt(u -> Pbkdf2PasswordHasher.iterationsOf(u.password()))
                .max()
                .orElse(0);
        table = new Table(byName, hasher.dummy(Math.max(rounds, Pbkdf2PasswordHasher.MIN_ITERATIONS)));
    }

    /** The current users by name. */
    public Map<String, User> users() {
        return table.users();
    }

    @Override
    public Optional<User> authenticate(String name, byte[] password) {
        Table t = table;
        User user = name == null ? null : t.users().get(name);
        if (user == null || !user.hasPassword()) {
            t.dummy().matches(password);
            return Optional.empty();
        }
        return user.password().matches(password) ? Optional.of(user) : Optional.empty();
    }

    @Override
    public boolean hasUsers() {
        return !table.users().isEmpty();
    }

    @Override
    public Optional<User> lookup(String name) {
        return name == null
                ? Optional.empty()
                : Optional.ofNullable(table.users().get(name));
    }
}
