package io.sluice.tunnel.stdio;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.Errors;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * A Netty channel over a pseudo-terminal master fd. Netty's epoll socket channels read and write with
 * {@code recv}/{@code send}, which fail with ENOTSOCK on a terminal; this channel uses {@code read}/{@code write}
 * through Netty's own {@link FileDescriptor} and registers with the epoll event loop as an {@link EpollIoHandle}, so
 * it costs no thread and never blocks. Edge-triggered, as Netty's channels are: a pty master reports EPOLLHUP for as
 * long as no slave is open, which level-triggered interest could not mask while reads are paused.
 *
 * <p>Bytes in, bytes out ({@link ByteBuf} only), AUTO_READ and write water marks as on any channel. A terminal has no
 * half-close: end of input (EOF, or EIO once every slave fd is closed) closes the channel, and closing it hangs up the
 * terminal (the program's session gets SIGHUP). Confined to its event loop, as Netty channels are.
 */
public final class PtyChannel extends AbstractChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false);
    private static final int EPOLLHUP = 0x010;
    private static final int EIO = 5;

    private final FileDescriptor fd;
    private final DefaultChannelConfig config = new DefaultChannelConfig(this);
    private final Runnable readTask = this::readTask;
    private IoRegistration registration;
    private EpollIoOps ops = EpollIoOps.EPOLLET.with(EpollIoOps.EPOLLIN);
    private volatile boolean active = true;
    /** An EPOLLIN or EPOLLHUP edge came and no read since has returned EAGAIN. */
    private boolean inputReady;
    /** {@code read()} was asked for and nothing has been read since. */
    private boolean readPending;
    private boolean readScheduled;

    /** Takes ownership of {@code fd}, a non-blocking pseudo-terminal master; closing the channel closes it. */
    public PtyChannel(int fd) {
        super(null);
        this.fd = new FileDescriptor(fd);
    }

    /** The wrapped master fd. */
    public FileDescriptor fd() {
        return fd;
    }

    @Override
    public ChannelConfig config() {
        return config;
    }

    @Override
    public boolean isOpen() {
        return fd.isOpen();
    }

    @Override
    public boolean isActive() {
        return active && fd.isOpen();
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new PtyUnsafe();
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop instanceof IoEventLoop io && io.isCompatible(PtyUnsafe.class);
    }

    @Override
    protected SocketAddress localAddress0() {
        return null;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return null;
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        ((IoEventLoop) eventLoop()).register((PtyUnsafe) unsafe()).addListener(f -> {
            if (f.isSuccess()) {
                registration = (IoRegistration) f.getNow();
                registration.submit(ops);
                promise.setSuccess();
            } else {
                promise.setFailure(f.cause());
            }
        });
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        throw new UnsupportedOperationException("a pseudo-terminal cannot be bound");
    }

    @Override
    protected void doDisconnect() throws IOException {
        doClose();
    }

    @Override
    protected void doClose() throws IOException {
        active = false;
        try {
            doDeregister();
        } finally {
            fd.close();
        }
    }

    @Override
    protected void doDeregister() {
        IoRegistration current = registration;
        if (current != null) {
            registration = null;
            current.cancel();
        }
    }

    @Override
    protected void doBeginRead() {
        readPending = true;
        if (inputReady) {
            scheduleRead();
        }
    }

    /** Heap buffers become direct ones: the native write needs an address. */
    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            throw new UnsupportedOperationException("a pseudo-terminal takes ByteBuf only, got "
                    + msg.getClass().getSimpleName());
        }
        if (buf.isDirect() || !buf.isReadable()) {
            return buf;
        }
        ByteBuf direct = alloc().directBuffer(buf.readableBytes());
        direct.writeBytes(buf, buf.readerIndex(), buf.readableBytes());
        buf.release();
        return direct;
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws IOException {
        for (int spins = config.getWriteSpinCount(); spins > 0; spins--) {
            ByteBuf buf = (ByteBuf) in.current();
            if (buf == null) {
                setWaitingForWritable(false);
                return;
            }
            if (!buf.isReadable()) {
                in.remove();
                continue;
            }
            long written = write(buf);
            if (written == 0) {
                setWaitingForWritable(true); // EAGAIN: the terminal's buffer is full
                return;
            }
            in.removeBytes(written);
        }
        // Out of spins with bytes left: the fd is writable, so the EPOLLOUT edge comes at once and we continue there.
        setWaitingForWritable(!in.isEmpty());
    }

    private long write(ByteBuf buf) throws IOException {
        int from = buf.readerIndex();
        int to = buf.writerIndex();
        if (buf.hasMemoryAddress()) {
            return fd.writeAddress(buf.memoryAddress(), from, to);
        }
        if (buf.nioBufferCount() == 1) {
            ByteBuffer nio = buf.internalNioBuffer(from, to - from);
            return fd.write(nio, nio.position(), nio.limit());
        }
        ByteBuffer[] parts = buf.nioBuffers(from, to - from);
        return fd.writev(parts, 0, parts.length, to - from);
    }

    private void setWaitingForWritable(boolean waiting) {
        EpollIoOps next = waiting ? ops.with(EpollIoOps.EPOLLOUT) : ops.without(EpollIoOps.EPOLLOUT);
        if (!next.equals(ops)) {
            ops = next;
            if (registration != null) {
                registration.submit(ops);
            }
        }
    }

    private boolean waitingForWritable() {
        return ops.contains(EpollIoOps.EPOLLOUT);
    }

    private void scheduleRead() {
        if (!readScheduled) {
            readScheduled = true;
            eventLoop().execute(readTask);
        }
    }

    private void readTask() {
        readScheduled = false;
        readReady();
    }

    /** Reads while the allocator wants more; leaves {@link #inputReady} set unless a read said EAGAIN. */
    private void readReady() {
        if (!isActive() || (!readPending && !config.isAutoRead())) {
            return;
        }
        RecvByteBufAllocator.Handle handle = unsafe().recvBufAllocHandle();
        handle.reset(config);
        ByteBufAllocator alloc = config.getAllocator();
        boolean ended = false;
        Throwable failure = null;
        try {
            do {
                ByteBuf buf = handle.allocate(alloc);
                handle.attemptedBytesRead(buf.writableBytes());
                int n = read(buf);
                if (n <= 0) {
                    buf.release();
                    inputReady = false;
                    ended = n < 0;
                    handle.lastBytesRead(ended ? -1 : 0);
                    break;
                }
                handle.lastBytesRead(n);
                handle.incMessagesRead(1);
                readPending = false;
                pipeline().fireChannelRead(buf);
            } while (handle.continueReading() && isActive());
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
        handle.readComplete();
        pipeline().fireChannelReadComplete();
        if (failure != null) {
            pipeline().fireExceptionCaught(failure);
            unsafe().close(voidPromise());
        } else if (ended) {
            unsafe().close(voidPromise());
        } else if (inputReady && (readPending || config.isAutoRead())) {
            scheduleRead(); // stopped by the allocator, not by EAGAIN: an edge-triggered fd will not tell us again
        }
    }

    /** Bytes read, 0 for EAGAIN, -1 at end of input: EOF, or EIO once no slave is open (Linux). */
    private int read(ByteBuf buf) throws IOException {
        int at = buf.writerIndex();
        int n;
        try {
            if (buf.hasMemoryAddress()) {
                n = fd.readAddress(buf.memoryAddress(), at, buf.capacity());
            } else {
                ByteBuffer nio = buf.internalNioBuffer(at, buf.writableBytes());
                n = fd.read(nio, nio.position(), nio.limit());
            }
        } catch (Errors.NativeIoException e) {
            if (Math.abs(e.expectedErr()) == EIO) {
                return -1;
            }
            throw e;
        }
        if (n > 0) {
            buf.writerIndex(at + n);
        }
        return n;
    }

    /** The channel's unsafe is its epoll handle: events for the master fd land in {@link #handle}. */
    private final class PtyUnsafe extends AbstractUnsafe implements EpollIoHandle {

        @Override
        public FileDescriptor fd() {
            return fd;
        }

        @Override
        public void handle(IoRegistration reg, IoEvent event) {
            int ready = ((EpollIoEvent) event).ops().value();
            if ((ready & (EpollIoOps.EPOLLOUT.value() | EpollIoOps.EPOLLERR.value())) != 0 && waitingForWritable()) {
                super.flush0();
            }
            if ((ready & (EpollIoOps.EPOLLIN.value() | EpollIoOps.EPOLLERR.value() | EPOLLHUP)) != 0) {
                inputReady = true;
                readReady();
            }
        }

        @Override
        protected void flush0() {
            // While waiting for EPOLLOUT the fd is full; the event flushes.
            if (!waitingForWritable()) {
                super.flush0();
            }
        }

        @Override
        public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            promise.setFailure(new UnsupportedOperationException("a pseudo-terminal is connected from birth"));
        }

        @Override
        public void close() {
            close(voidPromise());
        }
    }
}
