package io.procgate.core.auth;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where password checks run, for every protocol: a slow salted hash takes far too long for an event
 * loop, which also serves other clients and the children's pipes. A few daemon threads (the work is
 * CPU-bound, so no more than the cores), which end when idle; the queue is bounded by the
 * connections waiting, each of which has stopped reading.
 */
public final class PasswordCheckExecutor {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private static final ThreadPoolExecutor EXECUTOR;

    static {
        int size = Math.max(1, Runtime.getRuntime().availableProcessors());
        EXECUTOR = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread thread = new Thread(r, "procgate-auth-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        EXECUTOR.allowCoreThreadTimeOut(true);
    }

    private PasswordCheckExecutor() {}

    /** The gateway's password-check threads, shared by all listeners. */
    public static Executor shared() {
        return EXECUTOR;
    }
}
