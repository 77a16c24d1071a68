package io.sluice.it.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A test client on Netty's WebSocket client codec; made by {@link NettyClients}. */
public final class NettyWsClient extends SimpleChannelInboundHandler<WebSocketFrame> implements WsClient {
    private final Received received = new Received(false);
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final CompletableFuture<Void> handshakeDone = new CompletableFuture<>();
    private Channel channel;
    private boolean textMessage;
    private volatile String extensions;

    NettyWsClient() {
    }

    void attach(Channel channel) {
        this.channel = channel;
        channel.closeFuture().addListener(f -> {
            closeCode.complete(1006);
            handshakeDone.completeExceptionally(new IllegalStateException("closed before the handshake finished"));
        });
    }

    /** Notes the 101's {@code Sec-WebSocket-Extensions} on its way to the handshaker. */
    ChannelInboundHandlerAdapter handshakeRecorder() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpResponse response) {
                    extensions = response.headers().get(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS);
                }
                ctx.fireChannelRead(msg);
            }
        };
    }

    /** The server's {@code Sec-WebSocket-Extensions} in its 101; null when it sent none. */
    public String extensions() {
        return extensions;
    }

    CompletableFuture<Void> handshakeDone() {
        return handshakeDone;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            handshakeDone.complete(null);
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof CloseWebSocketFrame close) {
            closeCode.complete(close.statusCode() < 0 ? 1005 : close.statusCode());
            ctx.close();
            return;
        }
        if (frame instanceof TextWebSocketFrame) {
            textMessage = true;
        } else if (frame instanceof BinaryWebSocketFrame) {
            textMessage = false;
        } else if (!(frame instanceof ContinuationWebSocketFrame)) {
            return;
        }
        ByteBuf content = frame.content();
        byte[] bytes = new byte[content.readableBytes()];
        content.getBytes(content.readerIndex(), bytes);
        received.add(bytes, 0, bytes.length, textMessage, frame.isFinalFragment());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        closeCode.complete(1006);
        ctx.close();
    }

    @Override
    public void sendBinary(byte[] data) throws Exception {
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data))).get(60, TimeUnit.SECONDS);
    }

    @Override
    public void sendText(String text) throws Exception {
        channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8))))
                .get(60, TimeUnit.SECONDS);
    }

    @Override
    public Received received() {
        return received;
    }

    @Override
    public CompletableFuture<Integer> closeCode() {
        return closeCode;
    }

    @Override
    public void close(int code) throws Exception {
        channel.writeAndFlush(new CloseWebSocketFrame(code, "")).get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        channel.close().get(10, TimeUnit.SECONDS);
    }
}
