package io.procgate.tcprocd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.procgate.core.control.Caller;
import io.procgate.core.control.ControlStatus;
import io.procgate.core.control.Outcome;
import io.procgate.core.control.ProcessControl;
import io.procgate.core.metrics.ProtocolMetrics;
import io.procgate.core.net.BoundedLineSender;
import io.procgate.core.net.PeerAddresses;
import io.procgate.core.schedule.ScheduledRun;
import io.procgate.host.HistorySlice;
import io.procgate.host.ProcessStatus;
import io.procgate.host.Subscription;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps tcprocd requests onto {@link ProcessControl} (docs/tcprocd.md, section 6), which checks
 * permissions, picks the run-as user and audits. Requests are answered strictly in order: while a
 * {@code start} or {@code kill} is under way, or while the client does not read its answers (the
 * channel is not writable), later requests wait here and reading stops.
 *
 * <p>An accepted {@code attach} turns the connection line-based: this handler and the request
 * decoder give way to a line decoder and a {@link TcprocdAttachHandler}; the bytes the decoder held
 * after the attach flow into the line decoder. A refused attach resumes requests with a fresh
 * decoder, which receives the held bytes.
 *
 * <p>A failure while serving a request is answered {@code 07UNKNOWN} and logged; the connection
 * goes on. So does an {@code ERROR} from {@link ProcessControl} (a command line with an unbalanced
 * quote): the request was well framed, so the next one can still be found. Only malformed framing
 * (the decoder's {@link TcprocdCodecException}) ends the connection.
 */
final class TcprocdCommandHandler extends SimpleChannelInboundHandler<TcprocdRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(TcprocdCommandHandler.class);

    /** Room kept in a capped cat answer for the {@code [gateway] missed ...} line. */
    private static final int MISSED_LINE_RESERVE = 128;

    private final ProcessControl processes;
    private final TcprocdSettings settings;
    /** A process's schedules with their next runs, for {@code stats}. */
    private final Function<String, List<ScheduledRun>> schedules;

    private final ArrayDeque<TcprocdRequest> pending = new ArrayDeque<>();
    /** A start or kill is under way: its answer must go out before later ones. */
    private boolean busy;
    /** Guards against re-entry: a resumed decoder delivers requests while one is being handled. */
    private boolean draining;

    private Caller caller;
    /** The client shut its side: close once everything is answered. */
    private boolean inputClosed;

    private boolean closing;

    /** Counts each answer by status ({@code procgate_protocol_requests_total}). */
    private final ProtocolMetrics metrics;

    TcprocdCommandHandler(
            ProcessControl processes,
            TcprocdSettings settings,
            ProtocolMetrics metrics,
            Function<String, List<ScheduledRun>> schedules) {
        this.processes = processes;
        this.settings = settings;
        this.schedules = schedules;
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TcprocdRequest request) {
        pending.add(request);
        drain(ctx);
    }

    /** The client shut its side: answer what it sent, then close. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputClosed = true;
            closeIfDone(ctx);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        drain(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    private void drain(ChannelHandlerContext ctx) {
        if (draining) {
            return;
        }
        draining = true;
        try {
            Channel channel = ctx.channel();
            boolean wrote = false;
            while (!busy && !pending.isEmpty() && channel.isWritable() && !ctx.isRemoved()) {
                handle(ctx, pending.poll());
                wrote = true;
            }
            if (wrote) {
                ctx.flush();
            }
            // Read on only when everything read so far has been answered.
            if (!ctx.isRemoved()) {
                TcprocdPipeline.setReading(channel, !busy && pending.isEmpty() && channel.isWritable());
                closeIfDone(ctx);
            }
        } finally {
            draining = false;
        }
    }

    private void closeIfDone(ChannelHandlerContext ctx) {
        if (inputClosed && !busy && pending.isEmpty() && !closing) {
            closing = true;
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void handle(ChannelHandlerContext ctx, TcprocdRequest request) {
        if (caller == null) {
            caller = ctx.channel().attr(TcprocdPipeline.CALLER).get();
            if (caller == null) {
                // Cannot happen: the authentication stage holds every byte until it has set the caller.
                throw new IllegalStateException("request before authentication");
            }
        }
        try {
            switch (request.command()) {
                case LIST:
                    list(ctx);
                    break;
                case START:
                    TcprocdStartRequest start = (TcprocdStartRequest) request;
                    whenDone(ctx, request, processes.start(caller, start.name(), start.commandLine(), start.path()));
                    break;
                case KILL:
                    whenDone(ctx, request, processes.kill(caller, ((TcprocdKillRequest) request).name()));
                    break;
                case CAT:
                    cat(ctx, (TcprocdCatRequest) request);
                    break;
                case COMMAND:
                    TcprocdCommandRequest command = (TcprocdCommandRequest) request;
                    reply(ctx, processes.command(caller, command.name(), command.line()));
                    break;
                case ATTACH:
                    attach(ctx, (TcprocdAttachRequest) request);
                    break;
                case STATS:
                    stats(ctx, (TcprocdStatsRequest) request);
                    break;
                default:
                    throw new IllegalStateException("unknown command " + request.command());
            }
        } catch (RuntimeException e) {
            failed(ctx, request, e);
        }
    }

    private void list(ChannelHandlerContext ctx) {
        List<String> names = processes.list(caller);
        ByteBuf data = ctx.alloc().buffer(names.size() * 16);
        for (String name : names) {
            data.writeCharSequence(name, StandardCharsets.US_ASCII);
            data.writeByte('\n');
        }
        ctx.write(new TcprocdDataResponse(data), ctx.voidPromise());
        metrics.request(TcprocdStatus.OK.name());
    }

    private void cat(ChannelHandlerContext ctx, TcprocdCatRequest request) {
        Outcome<HistorySlice> outcome = processes.cat(
                caller, request.name(), request.startLine(), settings.maxResponse() - MISSED_LINE_RESERVE);
        if (!outcome.isOk()) {
            reply(ctx, outcome.status());
            return;
        }
        HistorySlice slice = outcome.value();
        try {
            ByteBuf data = slice.data().retain();
            if (slice.missed() > 0) {
                ByteBuf missed = ctx.alloc().buffer(MISSED_LINE_RESERVE);
                // The same notice a slow attached client gets.
                missed.writeCharSequence(
                        BoundedLineSender.missedText(slice.missed(), slice.firstLine()), StandardCharsets.US_ASCII);
                missed.writeByte('\n');
                CompositeByteBuf both = ctx.alloc().compositeBuffer(2);
                both.addComponents(true, missed, data);
                data = both;
            }
            ctx.write(new TcprocdDataResponse(data), ctx.voidPromise());
            metrics.request(TcprocdStatus.OK.name());
        } finally {
            slice.release();
        }
    }

    /** Read like {@code cat}: the same permission check, no audit line. */
    private void stats(ChannelHandlerContext ctx, TcprocdStatsRequest request) {
        Outcome<ProcessStatus> outcome = processes.status(caller, request.name());
        if (!outcome.isOk()) {
            reply(ctx, outcome.status());
            return;
        }
        ctx.write(TcprocdStatsResponse.of(outcome.value(), schedules.apply(request.name())), ctx.voidPromise());
        metrics.request(TcprocdStatus.OK.name());
    }

    private void attach(ChannelHandlerContext ctx, TcprocdAttachRequest request) {
        Channel channel = ctx.channel();
        TcprocdAttachHandler attached = new TcprocdAttachHandler(processes, caller, request.name(), settings);
        Outcome<Subscription> outcome = processes.attach(caller, request.name(), attached.subscriber(channel));
        if (!outcome.isOk()) {
            reply(ctx, outcome.status());
            // Go on with requests: a fresh decoder takes over the bytes the old one held.
            channel.pipeline().replace(TcprocdPipeline.DECODER, TcprocdPipeline.DECODER, new TcprocdDecoder());
            return;
        }
        attached.subscribed(outcome.value());
        try {
            ctx.writeAndFlush(TcprocdResponse.of(TcprocdStatus.OK));
            metrics.request(TcprocdStatus.OK.name());
            channel.attr(TcprocdPipeline.ATTACHED).set(Boolean.TRUE);
            // Handler first, then decoder: the held bytes the decoder releases are lines for the attach.
            channel.pipeline().replace(this, TcprocdPipeline.ATTACH, attached);
            channel.pipeline()
                    .replace(
                            TcprocdPipeline.DECODER,
                            TcprocdPipeline.ATTACH_DECODER,
                            new LineBasedFrameDecoder(TcprocdConstants.MAX_ATTACH_LINE, true, false));
            TcprocdPipeline.setReading(channel, true);
        } catch (RuntimeException e) {
            // Half switched, the connection is neither request- nor line-based: end it.
            outcome.value().close();
            LOG.error("tcprocd: attach of {} to {} failed", PeerAddresses.format(channel), request.name(), e);
            channel.close();
        }
    }

    private void whenDone(ChannelHandlerContext ctx, TcprocdRequest request, CompletionStage<ControlStatus> stage) {
        busy = true;
        stage.whenCompleteAsync(
                (status, error) -> {
                    busy = false;
                    if (error != null) {
                        failed(ctx, request, error);
                    } else {
                        reply(ctx, status);
                    }
                    ctx.flush();
                    drain(ctx);
                },
                ctx.executor());
    }

    private void reply(ChannelHandlerContext ctx, ControlStatus status) {
        TcprocdStatus word = TcprocdStatus.of(status);
        ctx.write(TcprocdResponse.of(word), ctx.voidPromise());
        metrics.request(word.name());
    }

    private void failed(ChannelHandlerContext ctx, TcprocdRequest request, Throwable error) {
        LOG.error(
                "tcprocd: {} from {} failed for {}",
                request.command().word(),
                PeerAddresses.format(ctx.channel()),
                caller == null ? "?" : caller.user().name(),
                error);
        ctx.write(TcprocdResponse.of(TcprocdStatus.UNKNOWN), ctx.voidPromise());
        metrics.request(TcprocdStatus.UNKNOWN.name());
    }
}
