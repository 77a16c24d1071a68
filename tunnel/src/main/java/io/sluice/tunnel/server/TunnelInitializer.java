package io.sluice.tunnel.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * Sets up a new client connection for its HTTP phase: codec, the refusal of upgrade requests that announce a body, a
 * small aggregator (upgrade requests are bodiless GETs) and the {@link UpgradeHandler}. Thread-safe (stateless apart from the shared context).
 */
final class TunnelInitializer extends ChannelInitializer<Channel> {
    /** Largest request body we aggregate; requests here are GETs, so anything near this is not ours. */
    static final int MAX_REQUEST_BODY = 8 * 1024;

    private final ServerContext server;
    private final ChannelGroup clients;

    TunnelInitializer(ServerContext server, ChannelGroup clients) {
        this.server = server;
        this.clients = clients;
    }

    @Override
    protected void initChannel(Channel ch) {
        clients.add(ch);
        // Reads are demand-driven from the first byte: UpgradeHandler reads only while responses fit the water mark.
        ch.config().setAutoRead(false);
        ch.pipeline()
                .addLast("http-codec", new HttpServerCodec())
                .addLast("bodiless-upgrade", new BodilessUpgradeHandler())
                .addLast("http-aggregator", new HttpObjectAggregator(MAX_REQUEST_BODY))
                .addLast("upgrade", new UpgradeHandler(server));
    }
}
