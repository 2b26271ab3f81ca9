package io.procgate.host;

/** A live subscription to a process's output; close it to stop receiving. Idempotent. */
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
