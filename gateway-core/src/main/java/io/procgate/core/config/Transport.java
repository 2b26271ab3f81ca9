package io.procgate.core.config;

/** The Netty transport ({@code gateway.transport}). */
public enum Transport {
    /** Epoll where the native library loads, else NIO. */
    AUTO,
    EPOLL,
    NIO
}
