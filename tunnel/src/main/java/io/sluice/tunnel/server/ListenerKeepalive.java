package io.sluice.tunnel.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.unix.UnixChannel;
import io.sluice.spawner.posix.NativeCallException;
import io.sluice.spawner.posix.Sockets;

/**
 * Puts TCP keepalive on the listening socket itself, once, when it is registered and before it is bound: Linux copies
 * a listener's keepalive settings to every connection it accepts, which saves four setsockopt calls per connection.
 * Only for native channels (their descriptor is at hand); NIO sets them per connection instead. Stateless.
 */
@ChannelHandler.Sharable
final class ListenerKeepalive extends ChannelHandlerAdapter {
    private final int idleSeconds;
    private final int probes;

    ListenerKeepalive(int idleSeconds, int probes) {
        this.idleSeconds = idleSeconds;
        this.probes = probes;
    }

    static boolean applies(Class<?> serverChannel) {
        return UnixChannel.class.isAssignableFrom(serverChannel);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws NativeCallException {
        int fd = ((UnixChannel) ctx.channel()).fd().intValue();
        ctx.pipeline().remove(this);
        Sockets.keepAlive(fd, idleSeconds, idleSeconds, probes);
    }
}
