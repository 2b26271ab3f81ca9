package io.procgate.pcp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer's PCP session (spec section 2), as an explicit state machine:
 *
 * <pre>
 * connect -&gt; '&gt;' -&gt; READY
 * READY        line        -&gt; answer (payload or '?'), '&gt;' -&gt; READY
 *              line (async) -&gt; BUSY -&gt; answer, '&gt;' -&gt; READY
 *              line (data)  -&gt; ANNOUNCING -&gt; answer with port and size -&gt; TRANSFERRING
 *              '$'          -&gt; ignored (no transfer is pending)
 * ANNOUNCING   '$'          -&gt; ignored (nothing was announced yet); no port: '?', '&gt;' -&gt; READY
 * TRANSFERRING '$' (even behind a request) and data delivered, in either order -&gt; '&gt;' -&gt; READY
 *              nobody connected in time               -&gt; '?', '&gt;' -&gt; READY
 * </pre>
 *
 * Lines that arrive while the session is not READY wait in order (at most
 * {@value PcpConstants#MAX_QUEUED_MESSAGES} before the session stops reading its socket). With
 * {@code prompt = false} every {@code >} but the first is left out. Not sharable: one per channel.
 */
final class PcpSessionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(PcpSessionHandler.class);

    private enum State {
        READY,
        /** A request is being answered asynchronously (start, kill). */
        BUSY,
        /** A reply with data waits for its data port. */
        ANNOUNCING,
        /** The transfer was announced: waiting for its delivery and the consumer's {@code $}. */
        TRANSFERRING,
        CLOSED
    }

    private final PcpRequestHandler requests;
    private final PcpTransfers transfers;
    private final boolean prompt;
    private final ArrayDeque<PcpMessage> inbox = new ArrayDeque<>();

    private ChannelHandlerContext ctx;
    private State state = State.READY;
    private PcpTransfers.Handle transfer;
    private PcpReply announcing;
    private boolean acked;
    private boolean delivered;
    private boolean draining;

    PcpSessionHandler(PcpRequestHandler requests, PcpTransfers transfers, boolean prompt) {
        this.requests = requests;
        this.transfers = transfers;
        this.prompt = prompt;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // the first prompt is sent whatever the prompt setting
        ctx.writeAndFlush(PcpPrompt.INSTANCE);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof PcpMessage m)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (state == State.CLOSED) {
            return;
        }
        inbox.add(m);
        if (inbox.size() > PcpConstants.MAX_QUEUED_MESSAGES) {
            ctx.channel().config().setAutoRead(false);
        }
        drain();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSED;
        inbox.clear();
        if (transfer != null) {
            transfer.cancel();
            transfer = null;
        }
        if (announcing != null) {
            announcing.release();
            announcing = null;
        }
        ctx.fireChannelInactive();
    }

    /** Handles waiting messages for as long as the state allows. */
    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            while (!inbox.isEmpty() && step(inbox.peek())) {
                inbox.poll();
            }
        } finally {
            draining = false;
        }
        if (inbox.size() <= PcpConstants.MAX_QUEUED_MESSAGES
                && state != State.CLOSED
                && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** Handles {@code m} if the state allows; false leaves it waiting. */
    private boolean step(PcpMessage m) {
        switch (state) {
            case READY -> {
                if (m instanceof PcpPayload payload) {
                    request(payload);
                } else if (m instanceof PcpMalformed malformed) {
                    log.debug(
                            "pcp {}: {}",
                            ctx.channel().remoteAddress(),
                            malformed.violation().description());
                    answer(PcpReply.UNPROCESSABLE);
                }
                // a '$' with no transfer pending is ignored
                return true;
            }
            case ANNOUNCING -> {
                // the consumer has not been told of a transfer yet: a '$' acknowledges nothing
                return m instanceof PcpAck;
            }
            case TRANSFERRING -> {
                if (m instanceof PcpAck) {
                    acked = true;
                    completeTransferIfDone();
                    return true;
                }
                // a consumer that sent its next request before its '$': the '$' still counts
                if (!acked && inbox.removeFirstOccurrence(PcpAck.INSTANCE)) {
                    acked = true;
                    completeTransferIfDone();
                    return state == State.READY && step(m);
                }
                return false;
            }
            case BUSY -> {
                return false;
            }
            case CLOSED -> {
                inbox.clear();
                return false;
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    private void request(PcpPayload payload) {
        CompletionStage<PcpReply> stage;
        try {
            stage = requests.handle(payload, ctx.channel().remoteAddress(), ctx.alloc());
        } catch (RuntimeException e) {
            log.error("pcp request from {} failed", ctx.channel().remoteAddress(), e);
            stage = CompletableFuture.completedFuture(PcpReply.UNPROCESSABLE);
        }
        CompletableFuture<PcpReply> future = stage.toCompletableFuture();
        if (future.isDone() && !future.isCompletedExceptionally()) {
            answer(future.join());
            return;
        }
        state = State.BUSY;
        future.whenCompleteAsync(
                (reply, error) -> {
                    if (error != null) {
                        log.error("pcp request from {} failed", ctx.channel().remoteAddress(), error);
                        reply = PcpReply.UNPROCESSABLE;
                    }
                    if (state != State.BUSY) {
                        reply.release();
                        return;
                    }
                    state = State.READY;
                    answer(reply);
                    drain();
                },
                ctx.executor());
    }

    /** Sends {@code reply}; one with data starts a transfer instead. Called in state READY. */
    private void answer(PcpReply reply) {
        requests.metrics().request(reply.resultWord());
        if (reply.isUnprocessable()) {
            ctx.write(PcpUnprocessable.INSTANCE);
            promptAndFlush();
        } else if (!reply.hasTransfer()) {
            ctx.write(reply.payload());
            promptAndFlush();
        } else {
            state = State.ANNOUNCING;
            announcing = reply;
            acked = false;
            delivered = false;
            int size = reply.transferSize();
            transfer = transfers.offer(ctx.channel(), reply.takeData(), new PcpTransfers.Listener() {
                @Override
                public void announced(int port) {
                    onAnnounced(port, size);
                }

                @Override
                public void finished(PcpTransfers.Outcome outcome) {
                    onTransferFinished(outcome);
                }
            });
        }
    }

    private void onAnnounced(int port, int size) {
        if (state != State.ANNOUNCING) {
            return;
        }
        state = State.TRANSFERRING;
        ctx.writeAndFlush(announcing.payload(port, size));
        announcing = null;
        drain();
    }

    private void onTransferFinished(PcpTransfers.Outcome outcome) {
        if (state != State.ANNOUNCING && state != State.TRANSFERRING) {
            return;
        }
        if (outcome == PcpTransfers.Outcome.DELIVERED) {
            delivered = true;
            completeTransferIfDone();
            return;
        }
        // never announced, or nobody collected it: the server waits for '$' no longer
        transfer = null;
        announcing = null;
        state = State.READY;
        ctx.write(PcpUnprocessable.INSTANCE);
        promptAndFlush();
        drain();
    }

    /** The next prompt follows only when the data was sent and the consumer said {@code $}. */
    private void completeTransferIfDone() {
        if (state != State.TRANSFERRING || !acked || !delivered) {
            return;
        }
        transfer = null;
        state = State.READY;
        if (prompt) {
            ctx.writeAndFlush(PcpPrompt.INSTANCE);
        }
        drain();
    }

    private void promptAndFlush() {
        if (prompt) {
            ctx.write(PcpPrompt.INSTANCE);
        }
        ctx.flush();
    }
}
