package io.sluice.tunnel.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import io.sluice.tunnel.session.ClientAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Takes the decoded PROXY header of a connection from an accepted balancer: a PROXY command over TCP or UDP, IPv4
 * or IPv6, replaces the connection's addresses ({@link ClientAddresses}); a LOCAL command (the balancer's own health
 * check) and an UNKNOWN or unix-socket source keep the real peer, as the spec asks. A malformed header closes the
 * connection. Removes itself after the header. Confined to the channel's event loop.
 */
final class ProxyHeaderHandler extends ChannelInboundHandlerAdapter {
    private final ProxyRefusals refusals;

    ProxyHeaderHandler(ProxyRefusals refusals) {
        this.refusals = refusals;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HAProxyMessage header)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (header.command() == HAProxyCommand.PROXY && carriesInetAddresses(header.proxiedProtocol())) {
                ClientAddresses.proxied(ctx.channel(), address(header.sourceAddress(), header.sourcePort()),
                        address(header.destinationAddress(), header.destinationPort()));
            }
        } finally {
            header.release();
        }
        ctx.pipeline().remove(this);
    }

    private static boolean carriesInetAddresses(HAProxyProxiedProtocol protocol) {
        return switch (protocol) {
            case TCP4, TCP6, UDP4, UDP6 -> true;
            default -> false;
        };
    }

    /** The decoder checked the literal and the port range; this parses it again without a name lookup. */
    private static InetSocketAddress address(String literal, int port) {
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(literal);
        if (address == null) {
            throw new HAProxyProtocolException("not an IP address: " + literal);
        }
        return new InetSocketAddress(address, port);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof HAProxyProtocolException bad) {
            refusals.refuse(ctx.channel(), ProxyRefusals.Why.MALFORMED_HEADER, message(bad));
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    private static String message(Throwable bad) {
        Throwable t = bad;
        while (t.getCause() != null && t.getMessage() == null) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }
}
