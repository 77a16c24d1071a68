package io.sluice.tunnel.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.frame.LeakCheckingAllocator;
import io.sluice.tunnel.session.BackendConnector;
import io.sluice.tunnel.session.TunnelStats;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One client connection through the real HTTP phase and session pipeline (codec, aggregator, {@link UpgradeHandler},
 * then the WebSocket encoder, decoder and session), with an embedded backend that accepts and stays silent, and an
 * allocator that tells which buffers were never released. For property tests; one thread.
 */
final class EmbeddedConnection {
    final LeakCheckingAllocator alloc = new LeakCheckingAllocator();
    final TestRegistry registry = TestRegistry.leasing(new BackendAddress.Tcp("127.0.0.1", 9));
    final EmbeddedChannel client;
    EmbeddedChannel backend;

    EmbeddedConnection(SluiceConfig config) {
        BackendConnector connector = (ch, lease, handler) -> {
            backend = new EmbeddedChannel(handler);
            backend.config().setAllocator(alloc);
            backend.config().setAutoRead(false);
            return backend.newSucceededFuture();
        };
        ServerContext context = new ServerContext(config, new RouteTable(config), null, registry, connector,
                new TunnelStats(), new ConnectionCap(config.server().maxConnections()));
        client = new EmbeddedChannel();
        client.freezeTime();
        client.config().setAllocator(alloc);
        client.pipeline().addLast(new HttpServerCodec(), new BodilessUpgradeHandler(), new HttpObjectAggregator(TunnelInitializer.MAX_REQUEST_BODY),
                new UpgradeHandler(context));
        client.pipeline().fireChannelActive();
    }

    /** Feeds {@code bytes[from, to)} as one read (exceptions that reach the pipeline's tail are thrown here). */
    void read(byte[] bytes, int from, int to) {
        client.writeInbound(alloc.read(bytes, from, to));
        client.runPendingTasks();
    }

    /** Every byte written to the client so far, released. */
    byte[] written() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object msg; (msg = client.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) msg;
            out.writeBytes(io.netty.buffer.ByteBufUtil.getBytes(buf));
            buf.release();
        }
        return out.toByteArray();
    }

    /** Every byte the backend got so far, released. */
    byte[] backendGot() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (backend != null) {
            for (Object msg; (msg = backend.readOutbound()) != null; ) {
                ByteBuf buf = (ByteBuf) msg;
                out.writeBytes(io.netty.buffer.ByteBufUtil.getBytes(buf));
                buf.release();
            }
        }
        return out.toByteArray();
    }

    /** Lets every timer of both channels run, {@code seconds} later. */
    void advance(int seconds) {
        client.advanceTimeBy(seconds, TimeUnit.SECONDS);
        client.runPendingTasks();
        client.runScheduledPendingTasks();
        if (backend != null) {
            backend.advanceTimeBy(seconds, TimeUnit.SECONDS);
            backend.runPendingTasks();
            backend.runScheduledPendingTasks();
        }
    }

    /** Closes what is still open, drops what is queued, and returns the buffers nobody released. */
    List<String> finish() {
        client.finishAndReleaseAll();
        if (backend != null) {
            backend.finishAndReleaseAll();
        }
        return alloc.unreleased();
    }
}
