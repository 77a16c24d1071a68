package io.sluice.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.sluice.tunnel.frame.ClientFrameDecoder;
import io.sluice.tunnel.frame.DeflateAgreement;
import io.sluice.tunnel.frame.PerMessageDeflateHandler;
import io.sluice.tunnel.frame.PerMessageInflateHandler;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What permessage-deflate costs the tunnel per message, without sockets: a JSON-like message compressed on its way
 * to the client ({@code deflate}: {@link PerMessageDeflateHandler}, context takeover), and a compressed masked client
 * frame decoded and inflated ({@code inflate}: {@link ClientFrameDecoder} + {@link PerMessageInflateHandler}) next to
 * the same message uncompressed ({@code plain}). Each client frame is copied first, as the decoder unmasks in place
 * (the copy is in both). JMH state is per benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CompressionBenchmark {
    private static final DeflateAgreement TAKEOVER = new DeflateAgreement(false, false, false);

    @Param({"64", "4096", "65536"})
    public int size;

    private byte[] json;
    private EmbeddedChannel deflate;
    private EmbeddedChannel inflate;
    private EmbeddedChannel plain;
    private ByteBuf compressedFrame;
    private ByteBuf plainFrame;

    @Setup(Level.Trial)
    public void setUp() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < size; i++) {
            text.append("{\"seq\":").append(i).append(",\"sensor\":\"kitchen-").append(i % 7)
                    .append("\",\"celsius\":").append(18 + i % 9).append('.').append(i % 10).append("}\n");
        }
        json = text.substring(0, size).getBytes(StandardCharsets.US_ASCII);
        deflate = new EmbeddedChannel(new PerMessageDeflateHandler(TAKEOVER));
        inflate = new EmbeddedChannel(new ClientFrameDecoder(0, true, true),
                new PerMessageInflateHandler(0, 0, 1 << 20, TAKEOVER, true));
        plain = new EmbeddedChannel(new ClientFrameDecoder(0, true, false));
        compressedFrame = maskedFrame(0xC1, compress(json)); // FIN, RSV1, TEXT
        plainFrame = maskedFrame(0x81, json);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        deflate.finishAndReleaseAll();
        inflate.finishAndReleaseAll();
        plain.finishAndReleaseAll();
        compressedFrame.release();
        plainFrame.release();
    }

    @Benchmark
    public int deflate() {
        deflate.writeOutbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(json)));
        WebSocketFrame frame = deflate.readOutbound();
        int n = frame.content().readableBytes();
        frame.release();
        return n;
    }

    @Benchmark
    public int inflate() {
        return decode(inflate, compressedFrame);
    }

    @Benchmark
    public int plain() {
        return decode(plain, plainFrame);
    }

    private static int decode(EmbeddedChannel channel, ByteBuf frame) {
        channel.writeInbound(frame.copy());
        channel.read(); // a message of more than one read's worth is inflated over further reads
        channel.runPendingTasks();
        int n = 0;
        for (Object msg; (msg = channel.readInbound()) != null; ReferenceCountUtil.release(msg)) {
            n++;
        }
        return n;
    }

    private static byte[] compress(byte[] data) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        do {
            n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
            out.write(buffer, 0, n);
        } while (n == buffer.length);
        deflater.end();
        byte[] bytes = out.toByteArray();
        return Arrays.copyOf(bytes, bytes.length - 4);
    }

    private static ByteBuf maskedFrame(int firstByte, byte[] payload) {
        int mask = 0x5A3C_96E1;
        ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(payload.length + 14);
        frame.writeByte(firstByte);
        if (payload.length < 126) {
            frame.writeByte(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.writeByte(0x80 | 126).writeShort(payload.length);
        } else {
            frame.writeByte(0x80 | 127).writeLong(payload.length);
        }
        frame.writeInt(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.writeByte(payload[i] ^ (mask >>> (24 - 8 * (i & 3))));
        }
        return frame;
    }
}
