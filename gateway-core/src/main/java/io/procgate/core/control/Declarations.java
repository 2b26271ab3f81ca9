package io.procgate.core.control;

import java.util.Optional;

/** The processes declared in the configuration, looked up by name; the answer follows reloads. */
@FunctionalInterface
public interface Declarations {
    /** No process is declared. */
    Declarations NONE = name -> Optional.empty();

    Optional<Declaration> find(String name);
}
