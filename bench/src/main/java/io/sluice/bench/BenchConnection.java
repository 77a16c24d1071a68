package io.sluice.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.CountDownLatch;

/**
 * One load-generating connection: does the WebSocket handshake (unless raw), keeps {@code window} messages in flight
 * (closed loop; 1 = ping-pong), verifies every echoed byte and records each message's round trip while the run
 * measures. Confined to its channel's event loop; the main thread reaches it only through {@code execute}.
 */
final class BenchConnection extends ChannelInboundHandlerAdapter implements ServerFrameReader.Sink {
    private enum State { HANDSHAKE, OPEN, CLOSING, CLOSED }

    private final RunControl control;
    private final Target target;
    private final long connId;
    private final int window;
    private final MessageSource source;
    private final EchoVerifier verifier;
    private final ServerFrameReader reader;
    private final long[] sentAt;
    private State state = State.HANDSHAKE;
    private ChannelHandlerContext ctx;
    private LogLinearHistogram histogram;
    private ByteBuf handshake;
    private String key;
    private long nextToComplete;
    private int outstanding;
    private CountDownLatch probeDone;
    private boolean wrote;
    private boolean openSignalled;
    private boolean settleSignalled;

    BenchConnection(RunControl control, Target target, long connId, int size, int window) {
        this.control = control;
        this.target = target;
        this.connId = connId;
        this.window = window;
        this.source = new MessageSource(connId, size, !target.raw());
        this.verifier = new EchoVerifier(connId, size);
        this.reader = target.raw() ? null : new ServerFrameReader(this);
        this.sentAt = new long[window];
    }

    /** Runs {@code task} on this connection's event loop (the only thread that may touch it). */
    void onLoop(Runnable task) {
        if (ctx != null) {
            ctx.executor().execute(task);
        } else {
            task.run(); // never registered: nothing else can touch it
        }
    }

    /** Whether the handshake completed and nothing failed; read after the loops are quiet. */
    boolean isOpen() {
        return state == State.OPEN;
    }

    long verifiedBytes() {
        return verifier.verifiedBytes();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.histogram = control.histogram(ctx.executor());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (target.raw()) {
            opened();
            return;
        }
        key = Upgrade.newKey();
        ctx.writeAndFlush(Upgrade.request(target, key), ctx.voidPromise());
        handshake = ctx.alloc().heapBuffer(512);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (state == State.HANDSHAKE) {
                handshake.writeBytes(in);
                readHandshake();
            } else if (state == State.OPEN) {
                consume(in);
            }
        } catch (RuntimeException e) {
            fail(e.getMessage() == null ? e.toString() : e.getMessage());
        } finally {
            in.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (wrote) {
            wrote = false;
            ctx.flush();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state != State.CLOSING && state != State.CLOSED) {
            fail("connection %d closed by the server (%d messages in flight)".formatted(connId, outstanding));
        }
        state = State.CLOSED;
        releaseHandshake();
        opened();
        settle();
        endProbe();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail("connection %d: %s".formatted(connId, cause));
    }

    /** Starts the closed loop: fills the window. */
    void start() {
        if (state == State.OPEN) {
            send(window);
            ctx.flush();
        }
    }

    /** Sends one message and counts {@code done} down when its echo is verified, or when the connection is gone. */
    void probe(CountDownLatch done) {
        if (state == State.OPEN) {
            probeDone = done;
            send(1);
            ctx.flush();
        } else {
            done.countDown();
        }
    }

    /** Stops sending; settles once every message in flight came back. */
    void drain() {
        if (outstanding == 0 || state != State.OPEN) {
            settle();
        }
    }

    /** The TCP connect itself failed (the handler never became active). */
    void connectFailed(Throwable cause) {
        fail("connection %d: connect failed: %s".formatted(connId, cause));
    }

    void close() {
        if (state != State.CLOSED) {
            state = State.CLOSING;
            ctx.close();
        }
    }

    @Override
    public void data(ByteBuf in, int index, int length) {
        int done = verifier.accept(in, index, length);
        if (done > 0) {
            completed(done);
        }
    }

    @Override
    public void ping(byte[] payload) {
        ByteBuf pong = ctx.alloc().ioBuffer(6 + payload.length);
        pong.writeByte(0x8A).writeByte(0x80 | payload.length).writeInt(0).writeBytes(payload);
        ctx.writeAndFlush(pong, ctx.voidPromise());
    }

    @Override
    public void closeFrame(int code) {
        throw new EchoMismatchException("connection %d: server sent CLOSE %d".formatted(connId, code));
    }

    private void consume(ByteBuf in) {
        if (reader == null) {
            data(in, in.readerIndex(), in.readableBytes());
        } else {
            reader.read(in);
        }
    }

    private void completed(int messages) {
        if (messages > outstanding) {
            throw new EchoMismatchException("connection %d: echo of a message never sent".formatted(connId));
        }
        long now = System.nanoTime();
        boolean measure = control.phase() == RunControl.Phase.MEASURE;
        for (int i = 0; i < messages; i++) {
            long seq = nextToComplete++;
            if (measure) {
                histogram.record(now - sentAt[(int) (seq % window)]);
            }
        }
        outstanding -= messages;
        if (probeDone != null) {
            endProbe();
        } else if (control.sending()) {
            send(messages);
        } else if (outstanding == 0 && control.phase() == RunControl.Phase.DRAIN) {
            settle();
        }
    }

    private void send(int messages) {
        for (int i = 0; i < messages; i++) {
            long seq = source.writeNext(ctx);
            sentAt[(int) (seq % window)] = System.nanoTime();
            outstanding++;
        }
        wrote = true;
    }

    private void readHandshake() {
        if (!Upgrade.responseComplete(handshake, key)) {
            return;
        }
        ByteBuf rest = handshake;
        handshake = null;
        try {
            opened();
            if (rest.isReadable()) {
                consume(rest);
            }
        } finally {
            rest.release();
        }
    }

    private void opened() {
        if (state == State.HANDSHAKE) {
            state = State.OPEN;
        }
        if (!openSignalled) {
            openSignalled = true;
            control.connectSlots.release();
            control.opened.countDown();
        }
    }

    private void endProbe() {
        if (probeDone != null) {
            probeDone.countDown();
            probeDone = null;
        }
    }

    private void settle() {
        if (!settleSignalled) {
            settleSignalled = true;
            control.settled.countDown();
        }
    }

    private void fail(String what) {
        if (state != State.CLOSING && state != State.CLOSED) {
            control.error(what);
            state = State.CLOSING;
            if (ctx != null) {
                ctx.close();
            }
        }
        releaseHandshake();
        opened();
        settle();
        endProbe();
    }

    private void releaseHandshake() {
        if (handshake != null) {
            handshake.release();
            handshake = null;
        }
    }
}
