package io.procgate.core;

import io.netty.channel.IoEventLoopGroup;
import io.procgate.host.HostSettings;
import io.procgate.host.ProcessHost;

/** Makes the process host on the gateway's worker loops (tests substitute their own). */
@FunctionalInterface
interface HostFactory {
    ProcessHost create(HostSettings settings, IoEventLoopGroup workers);
}
