package io.sluice.tunnel.session;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;

/**
 * The two ends of a client connection as Sluice reports them: what a trusted load balancer's PROXY protocol header
 * carried ({@code server.proxy-protocol}), else the socket's own peer and local address. The one place that answers
 * "who is the client" for logs, the access log, /status, the session key, the balance hash, CGI variables and the
 * PROXY v2 header towards backends; nothing else reads {@code Channel.remoteAddress()} of a client channel. Set once
 * per connection, before its first request is read; immutable.
 *
 * @param remote the client, as the first proxy saw it
 * @param local  the address the client connected to (the proxy's listener)
 */
public record ClientAddresses(InetSocketAddress remote, InetSocketAddress local) {
    private static final AttributeKey<ClientAddresses> PROXIED =
            AttributeKey.valueOf(ClientAddresses.class, "proxied");

    public ClientAddresses {
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(local, "local");
    }

    /** Records what the PROXY header of {@code client} said; called once, on its event loop. */
    public static void proxied(Channel client, InetSocketAddress remote, InetSocketAddress local) {
        client.attr(PROXIED).set(new ClientAddresses(remote, local));
    }

    /** Whether a PROXY header replaced the socket's addresses of {@code client}. */
    public static boolean isProxied(Channel client) {
        return client.attr(PROXIED).get() != null;
    }

    /** The client's address: the one its PROXY header carried, else the socket's peer. */
    public static SocketAddress remoteOf(Channel client) {
        ClientAddresses proxied = client.attr(PROXIED).get();
        return proxied != null ? proxied.remote : client.remoteAddress();
    }

    /** The address the client connected to: the one its PROXY header carried, else the socket's local address. */
    public static SocketAddress localOf(Channel client) {
        ClientAddresses proxied = client.attr(PROXIED).get();
        return proxied != null ? proxied.local : client.localAddress();
    }
}
