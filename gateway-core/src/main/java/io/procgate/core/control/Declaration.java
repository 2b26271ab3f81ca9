package io.procgate.core.control;

import io.procgate.host.ProcessSpec;
import io.procgate.host.Supervision;
import java.util.Objects;

/**
 * A process declared in the configuration ({@code gateway.processes}): what a {@code start} of its
 * name runs, whatever command the client sent, so that a declared server keeps its restart policy
 * and stop command however it was last stopped.
 *
 * @param owner the user it belongs to; an empty string when the entry names none (admins only)
 */
public record Declaration(ProcessSpec spec, Supervision supervision, String owner) {
    public Declaration {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(supervision, "supervision");
        Objects.requireNonNull(owner, "owner");
    }
}
