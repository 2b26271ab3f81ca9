package io.procgate.tcpr;

import io.procgate.host.ProcessHost;

/** Something that serves TCPR listeners over real sockets, for end-to-end tests. */
interface TcprServer extends AutoCloseable {

    /** The bound port of listener {@code index} (in configuration order). */
    int port(int index);

    ProcessHost host();

    /** Stops listening and ends every session (the gateway stopping). */
    @Override
    void close();
}
