package io.procgate.core.testing;

import com.typesafe.config.Config;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.procgate.core.config.ConfigReader;
import io.procgate.core.spi.ListenerDefinition;
import io.procgate.core.spi.PluginContext;
import io.procgate.core.spi.ProtocolPlugin;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A test-only protocol, {@code gateway.dummy}: each connection is greeted with the configured
 * {@code greeting} plus a newline, then closed.
 */
public final class DummyPlugin implements ProtocolPlugin {
    public static final String NAME = "dummy";
    private static final Set<String> KEYS = Set.of("host", "port", "socket", "mode", "allow-unknown-users", "tls");

    /** The context of the latest {@link #listeners} call, for tests. */
    public static volatile PluginContext lastContext;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ListenerDefinition> listeners(PluginContext context) {
        lastContext = context;
        Config config = context.config();
        byte[] greeting = (config.getString("greeting") + "\n").getBytes(StandardCharsets.UTF_8);
        ChannelInitializer<Channel> init = new Greeter(greeting);
        List<ListenerDefinition> out = new ArrayList<>();
        List<? extends Config> entries = config.getConfigList("listeners");
        for (int i = 0; i < entries.size(); i++) {
            ConfigReader entry = ConfigReader.of(entries.get(i), "gateway.dummy.listeners." + i);
            entry.allowOnly(KEYS);
            out.add(new ListenerDefinition(NAME, entry.bindAddress(-1), init).withTls(entry.tls()));
        }
        return out;
    }

    @Sharable
    private static final class Greeter extends ChannelInitializer<Channel> {
        private final byte[] greeting;

        Greeter(byte[] greeting) {
            this.greeting = greeting;
        }

        @Override
        protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelActive(ChannelHandlerContext ctx) {
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(greeting)).addListener(ChannelFutureListener.CLOSE);
                }
            });
        }
    }
}
