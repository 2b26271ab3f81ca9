package io.procgate.pcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;

/** Builds the pipeline of each PCP connection of one listener. */
@Sharable
final class PcpChannelInitializer extends ChannelInitializer<Channel> {
    static final String DECODER = "pcp-decoder";
    static final String ENCODER = "pcp-encoder";
    static final String SESSION = "pcp-session";
    static final String EXCEPTIONS = "pcp-exceptions";

    private final PcpRequestHandler requests;
    private final PcpTransfers transfers;
    private final boolean prompt;

    PcpChannelInitializer(PcpRequestHandler requests, PcpTransfers transfers, boolean prompt) {
        this.requests = requests;
        this.transfers = transfers;
        this.prompt = prompt;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast(DECODER, new PcpDecoder());
        p.addLast(ENCODER, PcpEncoder.INSTANCE);
        p.addLast(SESSION, new PcpSessionHandler(requests, transfers, prompt));
        p.addLast(EXCEPTIONS, PcpExceptionHandler.INSTANCE);
    }
}
