package io.sluice.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.sluice.tunnel.frame.BackendFramer;
import io.sluice.tunnel.frame.BackendFramers;
import io.sluice.tunnel.frame.ClientDataChunk;
import io.sluice.tunnel.frame.ClientFrameDecoder;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
 * The per-frame path of a tunnel without sockets: one masked client frame through {@link ClientFrameDecoder} (parse,
 * unmask in place, emit a chunk), and one backend read through the binary and text {@link BackendFramer}s.
 * JMH state is per benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FramePathBenchmark {

    @Param({"64", "4096", "65536"})
    public int size;

    private EmbeddedChannel decoder;
    private ByteBuf maskedFrame;
    private ByteBuf backendBytes;
    private BackendFramer binary;
    private BackendFramer text;

    @Setup(Level.Trial)
    public void setUp() {
        decoder = new EmbeddedChannel(new ClientFrameDecoder(0, false));
        byte[] payload = new byte[size];
        ThreadLocalRandom.current().nextBytes(payload);
        int mask = 0x5A3C_96E1;
        maskedFrame = PooledByteBufAllocator.DEFAULT.directBuffer(size + 14);
        maskedFrame.writeByte(0x82);
        if (size < 126) {
            maskedFrame.writeByte(0x80 | size);
        } else if (size < 65536) {
            maskedFrame.writeByte(0x80 | 126).writeShort(size);
        } else {
            maskedFrame.writeByte(0x80 | 127).writeLong(size);
        }
        maskedFrame.writeInt(mask);
        for (int i = 0; i < size; i++) {
            maskedFrame.writeByte(payload[i] ^ (mask >>> (24 - 8 * (i & 3))));
        }
        byte[] ascii = new byte[size];
        for (int i = 0; i < size; i++) {
            ascii[i] = (byte) ('a' + i % 26);
        }
        backendBytes = PooledByteBufAllocator.DEFAULT.directBuffer(size).writeBytes(ascii);
        binary = BackendFramers.binary();
        text = BackendFramers.text();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        decoder.finishAndReleaseAll();
        maskedFrame.release();
        backendBytes.release();
        binary.release();
        text.release();
    }

    /** Client to backend: a fresh copy of the frame (the decoder unmasks in place) through the decoder. */
    @Benchmark
    public int decodeClientFrame() {
        decoder.writeInbound(maskedFrame.copy());
        ClientDataChunk chunk = decoder.readInbound();
        int n = chunk.content().readableBytes();
        chunk.release();
        return n;
    }

    /** The copy {@link #decodeClientFrame} makes, to subtract from it. */
    @Benchmark
    public int copyOnly() {
        ByteBuf copy = maskedFrame.copy();
        int n = copy.readableBytes();
        copy.release();
        return n;
    }

    /** Backend to client, binary route: wraps the read buffer in a frame. */
    @Benchmark
    public int frameBinary() {
        WebSocketFrame frame = binary.frame(backendBytes.retainedDuplicate());
        int n = frame.content().readableBytes();
        frame.release();
        return n;
    }

    /** Backend to client, text route: UTF-8 boundary tracking on every read. */
    @Benchmark
    public int frameText() {
        WebSocketFrame frame = text.frame(backendBytes.retainedDuplicate());
        int n = frame.content().readableBytes();
        frame.release();
        return n;
    }
}
