package io.procgate.agones;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import io.procgate.core.net.SocketErrors;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends {@link SdkCall}s to the SDK sidecar's REST gateway with Netty's HTTP client codec, on one
 * of the gateway's event loops: nothing here blocks, and the answer completes on that same loop.
 * One short connection per call ({@code Connection: close}): the sidecar is on localhost, calls
 * are a few per interval, and a sidecar that restarts leaves no stale connection behind.
 *
 * <p>Every call ends within the request timeout (connect, write and answer together); an answer
 * body is read up to {@link #MAX_ANSWER_BYTES}.
 */
final class SdkClient {
    /** The SDK answers with small JSON objects (a List at most); anything longer is not its answer. */
    static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final EventLoop loop;
    private final Class<? extends SocketChannel> channelType;
    private final InetSocketAddress sdk;
    private final String hostHeader;
    private final long timeoutMillis;

    SdkClient(EventLoop loop, Class<? extends SocketChannel> channelType, InetSocketAddress sdk, Duration timeout) {
        this.loop = loop;
        this.channelType = channelType;
        this.sdk = sdk;
        this.hostHeader = sdk.getHostString() + ":" + sdk.getPort();
        this.timeoutMillis = Math.max(1, timeout.toMillis());
    }

    InetSocketAddress address() {
        return sdk;
    }

    /** Sends {@code call}; the future completes on this client's loop, never exceptionally. */
    CompletableFuture<SdkOutcome> send(SdkCall call) {
        CompletableFuture<SdkOutcome> result = new CompletableFuture<>();
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new HttpClientCodec())
                                .addLast(new HttpObjectAggregator(MAX_ANSWER_BYTES))
                                .addLast(new AnswerHandler(result));
                    }
                });
        ChannelFuture connect = bootstrap.connect(sdk);
        Channel channel = connect.channel();
        ScheduledFuture<?> deadline = loop.schedule(
                () -> result.complete(SdkOutcome.noAnswer("no answer within " + timeoutMillis + " ms")),
                timeoutMillis,
                TimeUnit.MILLISECONDS);
        result.whenComplete((outcome, error) -> {
            deadline.cancel(false);
            channel.close();
        });
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                result.complete(SdkOutcome.noAnswer("cannot connect: " + SocketErrors.describe(f.cause())));
                return;
            }
            channel.writeAndFlush(request(call)).addListener(w -> {
                if (!w.isSuccess()) {
                    result.complete(SdkOutcome.noAnswer("cannot send: " + SocketErrors.describe(w.cause())));
                }
            });
        });
        return result;
    }

    private FullHttpRequest request(SdkCall call) {
        ByteBuf body = Unpooled.copiedBuffer(call.body(), StandardCharsets.UTF_8);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, call.method(), call.path(), body);
        request.headers()
                .set(HttpHeaderNames.HOST, hostHeader)
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return request;
    }

    /** Completes the call with the first whole answer, or with why none came. */
    private static final class AnswerHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final CompletableFuture<SdkOutcome> result;

        AnswerHandler(CompletableFuture<SdkOutcome> result) {
            this.result = result;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse answer) {
            result.complete(
                    SdkOutcome.answered(answer.status().code(), answer.content().toString(StandardCharsets.UTF_8)));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.complete(SdkOutcome.noAnswer("the connection closed before an answer"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.complete(SdkOutcome.noAnswer("bad answer: " + SocketErrors.describe(cause)));
            ctx.close();
        }
    }
}
