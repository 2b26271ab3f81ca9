package io.procgate.pcp;

/**
 * A unit of the PCP conversation, as decoded by {@link PcpDecoder} or encoded by {@link PcpEncoder}:
 * a {@link PcpPayload}, the single bytes {@link PcpPrompt} and {@link PcpAck}, the answer
 * {@link PcpUnprocessable}, or a line the decoder could not parse ({@link PcpMalformed}).
 */
public interface PcpMessage {}
