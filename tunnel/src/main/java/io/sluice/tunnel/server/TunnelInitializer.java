package io.sluice.tunnel.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.sluice.tunnel.config.ProxyProtocolOptions;
import io.sluice.tunnel.tls.ServerTlsContext;
import java.util.function.Supplier;

/**
 * Sets up a new client connection for its HTTP phase: the PROXY protocol gate first when the listener takes PROXY
 * headers, then TLS when the listener has it, then the codec, the refusal of upgrade requests that announce a body, a
 * small aggregator (upgrade requests are bodiless GETs) and the {@link UpgradeHandler}. Thread-safe (stateless apart
 * from the shared context and the refusal log).
 */
final class TunnelInitializer extends ChannelInitializer<Channel> {
    /** Largest request body we aggregate; requests here are GETs, so anything near this is not ours. */
    static final int MAX_REQUEST_BODY = 8 * 1024;

    /** The server's current context (a reload replaces it; its TLS context is null for plain ws://). */
    private final Supplier<ServerContext> current;
    private final ChannelGroup clients;
    /** One for the server's life, so a reload does not reset the throttling of refusal lines. */
    private final ProxyRefusals proxyRefusals = new ProxyRefusals();

    TunnelInitializer(Supplier<ServerContext> current, ChannelGroup clients) {
        this.current = current;
        this.clients = clients;
    }

    @Override
    protected void initChannel(Channel ch) {
        clients.add(ch);
        // Reads are demand-driven from the first byte: UpgradeHandler reads only while responses fit the water mark.
        ch.config().setAutoRead(false);
        ProxyProtocolOptions proxyProtocol = current.get().config().server().proxyProtocol();
        if (proxyProtocol != null) {
            // Before TLS: a balancer writes the PROXY header in the clear, then relays the client's bytes as they
            // came, ClientHello included. The accept list of the latest reload decides for new connections.
            ch.pipeline().addLast("proxy-gate", new ProxyProtocolGate(proxyProtocol, proxyRefusals));
        }
        // The certificate of the latest reload: new handshakes use it, live sessions keep the one they made theirs with.
        ServerTlsContext tls = current.get().tls();
        if (tls != null) {
            // In front of everything; it reads on its own until the handshake is done, then only on demand. The
            // UpgradeHandler's max-connections count and handshake timer start at the TCP accept, so a TLS
            // handshake is counted and bounded like the HTTP request that follows it.
            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
        }
        ch.pipeline()
                .addLast("http-codec", new HttpServerCodec())
                .addLast("bodiless-upgrade", new BodilessUpgradeHandler())
                .addLast("http-aggregator", new HttpObjectAggregator(MAX_REQUEST_BODY))
                .addLast("upgrade", new UpgradeHandler(current));
    }
}
