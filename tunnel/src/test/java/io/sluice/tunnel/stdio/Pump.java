package io.sluice.tunnel.stdio;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * Feeds a payload into a program's channel only while the channel is writable (resuming on writability), reads
 * replies on demand (AUTO_READ off), and records the peak of bytes pending in the outbound buffer. Optionally shuts
 * the output down (stdin end of file) after the last byte. Confined to the channel's event loop; the futures and
 * the snapshot methods may be read from the test thread.
 */
final class Pump extends ChannelInboundHandlerAdapter {
    final CompletableFuture<Void> inputEnded = new CompletableFuture<>();
    private final byte[] payload;
    private final int chunk;
    private final boolean endInput;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private int sent;
    private boolean sending;
    private volatile long peakPending;
    private volatile int writabilityFlips;

    Pump(byte[] payload, int chunk, boolean endInput) {
        this.payload = payload;
        this.chunk = chunk;
        this.endInput = endInput;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        send(ctx.channel());
        ctx.read();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        writabilityFlips++;
        send(ctx.channel());
    }

    private void send(Channel ch) {
        if (sent == payload.length || sending) {
            return;
        }
        // A write can fire channelWritabilityChanged from inside this loop: do not re-enter it.
        sending = true;
        while (sent < payload.length && ch.isWritable()) {
            int n = Math.min(chunk, payload.length - sent);
            int from = sent;
            sent += n;
            ch.write(Unpooled.wrappedBuffer(payload, from, n));
            ChannelOutboundBuffer buffer = ch.unsafe().outboundBuffer();
            peakPending = Math.max(peakPending, buffer == null ? 0 : buffer.totalPendingWriteBytes());
        }
        sending = false;
        if (sent == payload.length && endInput) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    ((DuplexChannel) ch).shutdownOutput();
                }
            });
        } else {
            ch.flush();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            synchronized (received) {
                buf.readBytes(received, buf.readableBytes());
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } finally {
            buf.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.read();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputEnded.complete(null);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inputEnded.complete(null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        inputEnded.completeExceptionally(cause);
        ctx.close();
    }

    byte[] received() {
        synchronized (received) {
            return received.toByteArray();
        }
    }

    int receivedCount() {
        synchronized (received) {
            return received.size();
        }
    }

    long peakPending() {
        return peakPending;
    }

    int writabilityFlips() {
        return writabilityFlips;
    }
}
