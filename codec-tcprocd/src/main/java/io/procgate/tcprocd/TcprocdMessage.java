package io.procgate.tcprocd;

/**
 * A decoded tcprocd request or a response to encode (docs/tcprocd.md). Requests implement
 * {@link TcprocdRequest}; credentials are a {@link TcprocdAuthRequest}; answers are a
 * {@link TcprocdResponse} (status only) or a {@link TcprocdDataResponse} ({@code OK} with data).
 */
public interface TcprocdMessage {}
