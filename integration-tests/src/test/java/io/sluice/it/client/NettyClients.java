package io.sluice.it.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/** Netty WebSocket clients sharing one small event-loop group; closing this closes every client it made. */
public final class NettyClients implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    public NettyWsClient connect(URI uri) throws Exception {
        return connect(uri, false);
    }

    /**
     * With {@code compress}, the client offers permessage-deflate through Netty's own
     * {@code WebSocketClientCompressionHandler} and compresses what it sends once the server agreed.
     */
    public NettyWsClient connect(URI uri, boolean compress) throws Exception {
        NettyWsClient client = new NettyWsClient();
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .version(WebSocketVersion.V13)
                .customHeaders(new DefaultHttpHeaders())
                .maxFramePayloadLength(64 * 1024 * 1024)
                .handleCloseFrames(false)
                .dropPongFrames(true)
                .handshakeTimeoutMillis(10_000)
                .allowExtensions(compress)
                .build();
        Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                                client.handshakeRecorder());
                        if (compress) {
                            ch.pipeline().addLast(new WebSocketClientCompressionHandler(0));
                        }
                        ch.pipeline().addLast(new WebSocketClientProtocolHandler(config), client);
                    }
                })
                .connect(uri.getHost(), uri.getPort()).sync().channel();
        client.attach(channel);
        client.handshakeDone().get(15, TimeUnit.SECONDS);
        return client;
    }

    @Override
    public void close() throws InterruptedException {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }


}
