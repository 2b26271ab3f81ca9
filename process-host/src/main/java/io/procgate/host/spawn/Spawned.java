package io.procgate.host.spawn;

import io.netty.channel.unix.FileDescriptor;

/**
 * A started child and the parent's ends of its pipes (non-blocking).
 *
 * @param output stdout and stderr of the child, merged in one pipe (so their bytes keep their order)
 * @param input the child's stdin
 */
public record Spawned(Process process, FileDescriptor output, FileDescriptor input) {}
