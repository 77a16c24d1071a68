package io.sluice.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connection churn, the minimal driver for what a handshake costs (TCP, TLS when {@code --tls}, the WebSocket upgrade
 * and its backend connect, then close): {@code --conns} lanes each open a connection, wait for the 101, close it and
 * open the next, for {@code --duration} seconds after {@code --warmup}; prints one JSON line with connections per
 * second, the p50/p99 setup time and the server's CPU per connection. A stand-in until LoadGen's own churn mode
 * (another branch) can take a {@code --tls} flag; then this file goes (issue 12). Runs on the main thread; the
 * lanes live on one epoll event loop.
 * <pre>java -cp loadgen.jar io.sluice.bench.HandshakeChurn --port P [--tls] [--conns 8] [--duration 5] [--pid P]</pre>
 */
public final class HandshakeChurn {
    /** The kernel's USER_HZ, as LoadGen's default (getconf CLK_TCK). */
    private static final double CLOCK_TICKS = 100;

    private final String host;
    private final int port;
    private final String path;
    private final SslContext tls;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final LogLinearHistogram setup = new LogLinearHistogram();
    private volatile boolean measuring;
    private volatile boolean running = true;

    private HandshakeChurn(String host, int port, String path, boolean tls) throws Exception {
        this.host = host;
        this.port = port;
        this.path = path;
        this.tls = tls ? SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build()
            : null;
    }

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        String path = "/echo";
        int port = 0;
        int conns = 8;
        double duration = 5;
        double warmup = 1;
        boolean tls = false;
        List<Integer> pids = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--tls" -> tls = true;
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--path" -> path = args[++i];
                case "--conns" -> conns = Integer.parseInt(args[++i]);
                case "--duration" -> duration = Double.parseDouble(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                case "--pid" -> pids.add(Integer.parseInt(args[++i]));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        HandshakeChurn churn = new HandshakeChurn(host, port, path, tls);
        for (int i = 0; i < conns; i++) {
            churn.next();
        }
        Thread.sleep((long) (warmup * 1000));
        long ticks0 = ProcessTree.cpuTicks(pids);
        long start = System.nanoTime();
        churn.measuring = true;
        Thread.sleep((long) (duration * 1000));
        churn.measuring = false;
        long nanos = System.nanoTime() - start;
        long ticks = ProcessTree.cpuTicks(pids) - ticks0;
        churn.running = false;
        churn.group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        long n = churn.done.get();
        JsonLine line = new JsonLine();
        line.put("mode", "churn");
        line.put("tls", tls);
        line.put("conns", conns);
        line.put("connections", n);
        line.put("failed", churn.failed.get());
        line.put("conn_per_s", Math.round(n / (nanos / 1e9)));
        line.put("setup_p50_us", churn.setup.percentile(0.5) / 1000);
        line.put("setup_p99_us", churn.setup.percentile(0.99) / 1000);
        line.put("server_cpu_us_per_conn", pids.isEmpty() || n == 0 ? null : Math.round(ticks * 1e6 / CLOCK_TICKS / n));
        System.out.println(line);
    }

    private void next() {
        if (!running) {
            return;
        }
        long started = System.nanoTime();
        new Bootstrap().group(group).channel(EpollSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
            .handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    if (tls != null) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc(), host, port));
                    }
                    ch.pipeline().addLast(new Lane(started));
                }
            })
            .connect(host, port).addListener(f -> {
                if (!f.isSuccess()) {
                    failed.incrementAndGet();
                    next();
                }
            });
    }

    /** One connection: upgrade request out, 101 in, close, and the next one. Confined to its event loop. */
    private final class Lane extends ChannelInboundHandlerAdapter {
        private final long started;
        private final StringBuilder response = new StringBuilder();
        private boolean finished;

        Lane(long started) {
            this.started = started;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            String request = ("GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .formatted(path, host, port);
            ctx.writeAndFlush(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                response.append(in.toString(StandardCharsets.US_ASCII));
                if (response.indexOf("\r\n\r\n") >= 0) {
                    end(ctx.channel(), response.toString().startsWith("HTTP/1.1 101"));
                }
            } finally {
                in.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            end(ctx.channel(), false);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            end(ctx.channel(), false);
        }

        private void end(Channel channel, boolean upgraded) {
            if (finished) {
                return;
            }
            finished = true;
            if (measuring) {
                if (upgraded) {
                    done.incrementAndGet();
                    setup.record(System.nanoTime() - started);
                } else {
                    failed.incrementAndGet();
                }
            }
            channel.close();
            next();
        }
    }
}
