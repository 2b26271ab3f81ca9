package io.procgate.host;

/**
 * A live subscription to a process's output; close it to stop receiving. Idempotent. A close from
 * another thread takes effect on the process's loop: a line or two may still arrive after it, and a
 * read being delivered is delivered to its end ({@link LineSubscriber#onLinesEnd}).
 */
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
