package io.procgate.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The ceiling of the tcprocd benchmark: a bare Netty server, on the same epoll transport and
 * event-loop count as the gateway, that frames the load generator's requests and answers {@code
 * 02OK} (or {@code 02OK10}, an empty list) without doing anything else. Measured in the same run and
 * with the same client as the gateway, it shows what part of the target the machine and the client
 * leave to any server.
 *
 * <p>It understands only what {@link TcprocdLoad} sends: the credentials, {@code list}, and {@code
 * command} with a two-digit name and a three-digit line field. Usage: {@code BareTcprocdServer PORT}.
 */
public final class BareTcprocdServer {
    private static final ByteBuf AUTH_REQUIRED = constant("23AUTHENTICATION_REQUIRED");
    private static final ByteBuf OK = constant("02OK");
    private static final ByteBuf EMPTY_LIST = constant("02OK10");

    private BareTcprocdServer() {}

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(
                Runtime.getRuntime().availableProcessors(), EpollIoHandler.newFactory());
        Channel server = new ServerBootstrap()
                .group(boss, workers)
                .channel(EpollServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.writeAndFlush(AUTH_REQUIRED.duplicate());
                        ch.pipeline().addLast(new Answerer());
                    }
                })
                .bind("127.0.0.1", port)
                .sync()
                .channel();
        System.out.println("bare tcprocd answerer on 127.0.0.1:" + port);
        server.closeFuture().sync();
    }

    private static ByteBuf constant(String s) {
        return Unpooled.unreleasableBuffer(Unpooled.directBuffer()
                .writeBytes(s.getBytes(StandardCharsets.US_ASCII))
                .asReadOnly());
    }

    /** Frames one request at a time and answers it; flushes once per read, as the gateway does. */
    private static final class Answerer extends ByteToMessageDecoder {
        private boolean authenticated;

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            while (true) {
                int size = authenticated ? requestSize(in) : credentialsSize(in);
                if (size < 0 || in.readableBytes() < size) {
                    return;
                }
                boolean list = authenticated && in.getByte(in.readerIndex() + 2) == 'l';
                in.skipBytes(size);
                authenticated = true;
                ctx.write((list ? EMPTY_LIST : OK).duplicate());
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
            ctx.flush();
            super.channelReadComplete(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            System.err.println("bare tcprocd answerer: " + cause);
            ctx.close();
        }

        /** {@code 04list}, or {@code 07command} + a two-digit and a three-digit field; -1: not all here. */
        private static int requestSize(ByteBuf in) {
            int verb = number(in, 0, 2);
            if (verb < 0 || in.readableBytes() < 2 + verb) {
                return -1;
            }
            if (verb == 4) {
                return 6;
            }
            int name = number(in, 2 + verb, 2);
            if (name < 0) {
                return -1;
            }
            int line = number(in, 4 + verb + name, 3);
            return line < 0 ? -1 : 4 + verb + name + 3 + line;
        }

        /** Two two-digit fields: user and password. */
        private static int credentialsSize(ByteBuf in) {
            int user = number(in, 0, 2);
            int password = user < 0 ? -1 : number(in, 2 + user, 2);
            return password < 0 ? -1 : 4 + user + password;
        }

        private static int number(ByteBuf in, int offset, int digits) {
            if (in.readableBytes() < offset + digits) {
                return -1;
            }
            int value = 0;
            for (int i = 0; i < digits; i++) {
                value = value * 10 + in.getByte(in.readerIndex() + offset + i) - '0';
            }
            return value;
        }
    }
}
