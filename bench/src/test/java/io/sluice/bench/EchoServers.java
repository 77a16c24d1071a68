package io.sluice.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** In-JVM echo servers on 127.0.0.1 for the LoadGen smoke tests; each is closed by the test that opens it. */
final class EchoServers implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;

    private EchoServers(Supplier<ChannelInitializer<SocketChannel>> initializer) {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .childHandler(initializer.get())
            .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Raw TCP echo; with {@code corruptAt} >= 0 it flips that byte of the stream once. */
    static EchoServers raw(long corruptAt) {
        return new EchoServers(() -> new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    private long seen;

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf in = (ByteBuf) msg;
                        if (corruptAt >= seen && corruptAt < seen + in.readableBytes()) {
                            int at = in.readerIndex() + (int) (corruptAt - seen);
                            in.setByte(at, in.getByte(at) ^ 0x01);
                        }
                        seen += in.readableBytes();
                        ctx.write(in);
                    }

                    @Override
                    public void channelReadComplete(ChannelHandlerContext ctx) {
                        ctx.flush();
                    }
                });
            }
        });
    }

    /** WebSocket echo on /echo that answers every binary message as two frames (a binary frame and a continuation). */
    static EchoServers webSocketSplitting() {
        return webSocketSplitting(null);
    }

    /** The same over TLS ({@code tls} first in every pipeline) when {@code tls} is not null. */
    static EchoServers webSocketSplitting(SslContext tls) {
        return new EchoServers(() -> new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (tls != null) {
                    ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                }
                ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                    new WebSocketServerProtocolHandler("/echo", null, false, 1 << 20),
                    new SimpleChannelInboundHandler<WebSocketFrame>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
                            ByteBuf data = frame.content();
                            int half = data.readableBytes() / 2;
                            ctx.write(new BinaryWebSocketFrame(false, 0, data.readRetainedSlice(half)));
                            ctx.writeAndFlush(new ContinuationWebSocketFrame(true, 0, data.readRetainedSlice(
                                data.readableBytes())));
                        }
                    });
                if (tls != null) {
                    ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            ctx.close(); // a client without TLS: no handshake, no stack trace
                        }
                    });
                }
            }
        });
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
