package io.sluice.tunnel.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.sluice.tunnel.config.ProxyProtocolOptions;
import io.sluice.tunnel.tls.ServerTlsContext;

/**
 * Sets up a new client connection for its HTTP phase: the PROXY protocol gate first when the listener takes PROXY
 * headers, then TLS when the listener has it, then the codec, a small
 * aggregator (upgrade requests are bodiless GETs) and the {@link UpgradeHandler}. Thread-safe (stateless apart from
 * the shared context).
 */
final class TunnelInitializer extends ChannelInitializer<Channel> {
    /** Largest request body we aggregate; requests here are GETs, so anything near this is not ours. */
    static final int MAX_REQUEST_BODY = 8 * 1024;

    private final ServerContext server;
    private final ChannelGroup clients;
    /** Null for plain ws://. */
    private final ServerTlsContext tls;
    /** Null unless server.proxy-protocol is set. */
    private final ProxyProtocolOptions proxyProtocol;
    private final ProxyRefusals proxyRefusals = new ProxyRefusals();

    TunnelInitializer(ServerContext server, ChannelGroup clients, ServerTlsContext tls) {
        this.server = server;
        this.clients = clients;
        this.tls = tls;
        this.proxyProtocol = server.config().server().proxyProtocol();
    }

    @Override
    protected void initChannel(Channel ch) {
        clients.add(ch);
        // Reads are demand-driven from the first byte: UpgradeHandler reads only while responses fit the water mark.
        ch.config().setAutoRead(false);
        if (proxyProtocol != null) {
            // Before TLS: a balancer writes the PROXY header in the clear, then relays the client's bytes as they
            // came, ClientHello included.
            ch.pipeline().addLast("proxy-gate", new ProxyProtocolGate(proxyProtocol, proxyRefusals));
        }
        if (tls != null) {
            // In front of everything; it reads on its own until the handshake is done, then only on demand. The
            // UpgradeHandler's max-connections count and handshake timer start at the TCP accept, so a TLS
            // handshake is counted and bounded like the HTTP request that follows it.
            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
        }
        ch.pipeline()
                .addLast("http-codec", new HttpServerCodec())
                .addLast("http-aggregator", new HttpObjectAggregator(MAX_REQUEST_BODY))
                .addLast("upgrade", new UpgradeHandler(server));
    }
}
