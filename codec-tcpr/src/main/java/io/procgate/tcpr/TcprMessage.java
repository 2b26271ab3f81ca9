package io.procgate.tcpr;

/**
 * A TCPR message: what {@link TcprDecoder} reads from a client ({@link TcprPassword},
 * {@link TcprCommand}, {@link TcprLineTooLong}) or what {@link TcprEncoder} writes to it
 * ({@link TcprLine}, {@link TcprShutdown}).
 */
public interface TcprMessage {}
