package io.sluice.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * One short session of the churn case: connect, handshake, one message and its verified echo, a client CLOSE, the
 * server's CLOSE; then it closes the connection and tells its {@link ChurnSlot} how long the 101 took (from the
 * connect) and how long the server's CLOSE took (from the client's). Confined to its channel's event loop.
 */
final class ChurnSession extends ChannelInboundHandlerAdapter implements ServerFrameReader.Sink {
    /** The client's CLOSE 1000, masked with a zero key (RFC 6455 allows any key; XOR with 0 keeps the payload). */
    private static final byte[] CLOSE_1000 = {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xE8};

    private enum State { HANDSHAKE, ECHO, CLOSING, DONE }

    private final ChurnSlot slot;
    private final long startedAt;
    private final ServerFrameReader reader = new ServerFrameReader(this);
    private State state = State.HANDSHAKE;
    private ChannelHandlerContext ctx;
    private String key;
    private ByteBuf head;
    private long upgradeNanos;
    private long closeSentAt;

    ChurnSession(ChurnSlot slot, long startedAt) {
        this.slot = slot;
        this.startedAt = startedAt;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        key = Upgrade.newKey();
        head = ctx.alloc().heapBuffer(256);
        ctx.writeAndFlush(Upgrade.request(slot.target(), key), ctx.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (state == State.HANDSHAKE) {
                head.writeBytes(in);
                if (Upgrade.responseComplete(head, key)) {
                    upgradeNanos = System.nanoTime() - startedAt;
                    state = State.ECHO;
                    ByteBuf rest = head;
                    head = null;
                    slot.source().writeNext(ctx);
                    ctx.flush();
                    try {
                        reader.read(rest);
                    } finally {
                        rest.release();
                    }
                }
            } else if (state == State.ECHO || state == State.CLOSING) {
                reader.read(in);
            }
        } catch (RuntimeException e) {
            fail(e.getMessage() == null ? e.toString() : e.getMessage());
        } finally {
            in.release();
        }
    }

    @Override
    public void data(ByteBuf in, int index, int length) {
        if (state != State.ECHO) {
            throw new EchoMismatchException("data after the echo was complete");
        }
        if (slot.verifier().accept(in, index, length) > 0) {
            state = State.CLOSING;
            closeSentAt = System.nanoTime();
            ctx.writeAndFlush(ctx.alloc().ioBuffer(CLOSE_1000.length).writeBytes(CLOSE_1000), ctx.voidPromise());
        }
    }

    @Override
    public void ping(byte[] payload) {
        // a session lives a few milliseconds: a server's ping would outlive it, and needs no answer
    }

    @Override
    public void closeFrame(int code) {
        if (state != State.CLOSING) {
            throw new EchoMismatchException("server sent CLOSE %d before the echo".formatted(code));
        }
        // Any code ends the session: lighttpd 1.4.69 answers with the ASCII bytes "1000" (code 12592), and the
        // case measures what a session costs, not how the server words its goodbye.
        state = State.DONE;
        long closeNanos = System.nanoTime() - closeSentAt;
        ctx.close();
        slot.sessionDone(ctx.executor(), upgradeNanos, closeNanos);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseHead();
        if (state != State.DONE) {
            fail("session closed by the server in state " + state);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause.toString());
    }

    /** The TCP connect failed. */
    void connectFailed(Throwable cause) {
        fail("connect failed: " + cause);
    }

    private void fail(String what) {
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        releaseHead();
        if (ctx != null) {
            ctx.close();
        }
        slot.sessionFailed(what);
    }

    private void releaseHead() {
        if (head != null) {
            head.release();
            head = null;
        }
    }
}
