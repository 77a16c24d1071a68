package io.sluice.tunnel.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.sluice.spawner.registry.SelectionKey;
import io.sluice.spawner.registry.SessionRequest;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.tunnel.frame.BackendMessages;
import io.sluice.tunnel.frame.ClientFrameDecoder;
import io.sluice.tunnel.frame.ClientLineEncoder;
import io.sluice.tunnel.frame.LineFramer;
import io.sluice.tunnel.server.TestRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code framing: lines} in one session, both channels embedded: client messages become lines, backend lines become
 * messages, taken only while the client is writable (the backend is read again only once all went out), and the
 * line-specific endings: 1007 for a message with a newline, 1009 for a line over {@code max-line-length}, 1011 for
 * a text route's invalid UTF-8 after the complete lines before it.
 */
class LineFramingSessionTest {
    private static final Duration OFF = Duration.ZERO;
    private static final int MAX_LINE_LENGTH = 16;

    private final TestRegistry registry = TestRegistry.leasing(new BackendAddress.Tcp("127.0.0.1", 9));
    private EmbeddedChannel client;
    private EmbeddedChannel backend;
    private TunnelSession session;
    private int backendReads;
    /** When positive, the client becomes unwritable once this many more frames were written to it. */
    private int writableFor = -1;

    private static Framing lines() {
        ClientLineEncoder encoder = new ClientLineEncoder();
        return new Framing() {
            @Override
            public BackendMessages backendMessages(WireFormat format) {
                return format == WireFormat.TEXT ? LineFramer.text(MAX_LINE_LENGTH)
                        : LineFramer.binary(MAX_LINE_LENGTH);
            }

            @Override
            public ClientPayloadDecoder clientDecoder(WireFormat format) {
                return new ClientPayloadDecoder() {
                    @Override
                    public ByteBuf decode(ByteBuf chunk, boolean endOfMessage) {
                        return encoder.encode(chunk, endOfMessage);
                    }

                    @Override
                    public void release() {
                    }
                };
            }
        };
    }

    private void open(WireFormat format) {
        client = new EmbeddedChannel();
        client.freezeTime();
        client.config().setAutoRead(false);
        client.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ctx.write(msg, promise);
                if (msg instanceof WebSocketFrame && writableFor > 0 && --writableFor == 0) {
                    ctx.channel().unsafe().outboundBuffer().setUserDefinedWritability(1, false);
                }
            }
        });
        var settings = new SessionSettings(OFF, OFF, OFF, Duration.ofSeconds(5), Duration.ofSeconds(2));
        BackendConnector connector = (ch, lease, handler) -> {
            backend = new EmbeddedChannel();
            backend.config().setAutoRead(false);
            backend.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
                @Override
                public void read(ChannelHandlerContext ctx) {
                    backendReads++;
                    ctx.read();
                }
            }, handler);
            return backend.newSucceededFuture();
        };
        session = new TunnelSession(client, "/lines", format, settings, connector, lines(), new TunnelStats());
        session.connect(registry, new SessionRequest(new SelectionKey("/lines", "h", "c"), "s1", null, List::of),
                new TunnelSession.ConnectListener() {
                    @Override
                    public void connected(TunnelSession s) {
                        client.pipeline().addLast(new ClientFrameDecoder(0, true), s.clientHandler());
                        s.open();
                    }

                    @Override
                    public void unavailable(TunnelSession s, int status, String reason) {
                        throw new AssertionError(reason);
                    }
                });
        assertThat(session.state()).isEqualTo(SessionState.OPEN);
    }

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.finishAndReleaseAll();
        }
        if (backend != null) {
            backend.finishAndReleaseAll();
        }
    }

    @Test
    void eachClientMessageIsOneLineAndFragmentsJoinIntoIt() {
        open(WireFormat.TEXT);

        fromClient(frame(true, 0x1, "hello"), frame(true, 0x2, ""), frame(false, 0x1, "frag"),
                frame(false, 0x0, "men"), frame(true, 0x0, "ted"));

        assertThat(backendReceived()).isEqualTo("hello\n\nfragmented\n");
    }

    @Test
    void aClientMessageWithANewlineCloses1007AndTheBackendGetsEndOfFile() {
        open(WireFormat.BINARY);

        fromClient(frame(true, 0x2, "ok"), frame(true, 0x2, "two\nlines"));

        assertThat(backendReceived()).isEqualTo("ok\n");
        assertClosedWith(1007, "newline in a message");
        assertThat(backend.isOpen()).isFalse();
    }

    @Test
    void backendLinesSplitAcrossReadsBecomeOneMessageEach() {
        open(WireFormat.TEXT);

        fromBackend("one\ntw");
        fromBackend("o\r\n\nthr");
        fromBackend("ee\n");

        assertThat(clientMessages()).containsExactly("one", "two", "", "three");
    }

    @Test
    void linesAreTakenOnlyWhileTheClientIsWritableAndTheBackendWaitsForTheRest() {
        open(WireFormat.BINARY);
        int readsBefore = backendReads;
        writableFor = 2;

        fromBackend("a\nb\nc\nd\ne\n");

        assertThat(clientMessages()).containsExactly("a", "b");
        assertThat(backendReads).as("no backend read while its lines wait").isEqualTo(readsBefore);
        writableFor = 2;
        becomeWritable();
        assertThat(clientMessages()).containsExactly("c", "d");
        assertThat(backendReads).isEqualTo(readsBefore);
        becomeWritable();
        assertThat(clientMessages()).containsExactly("e");
        assertThat(backendReads).as("read again once every line went out").isEqualTo(readsBefore + 1);
    }

    @Test
    void whenTheBackendEndsItsWaitingLinesAndItsLastLineWithoutNewlineGoOutBeforeThe1000() {
        open(WireFormat.BINARY);
        writableFor = 1;
        fromBackend("a\nb\nc\nlast");

        backend.close();

        assertThat(clientMessages()).containsExactly("a", "b", "c", "last");
        assertThat(closeCode()).isEqualTo(1000);
    }

    @Test
    void aLineOverMaxLineLengthCloses1009AfterTheLinesBeforeIt() {
        open(WireFormat.BINARY);

        fromBackend("short\n" + "x".repeat(MAX_LINE_LENGTH + 1) + "\nnever\n");

        assertThat(clientMessages()).containsExactly("short");
        assertClosedWith(1009, "line too long");
        assertThat(backend.isOpen()).isFalse();
    }

    @Test
    void aLineThatGrowsOverMaxLineLengthAcrossReadsCloses1009BeforeItsNewline() {
        open(WireFormat.BINARY);

        fromBackend("x".repeat(MAX_LINE_LENGTH - 1));
        assertThat(session.state()).isEqualTo(SessionState.OPEN);
        fromBackend("yy");

        assertClosedWith(1009, "line too long");
    }

    @Test
    void aTextRouteGetsTheCompleteLinesBeforeInvalidUtf8ThenA1011() {
        open(WireFormat.TEXT);
        ByteBuf read = Unpooled.buffer();
        read.writeBytes("good\nalso good\nbad ".getBytes(StandardCharsets.UTF_8)).writeByte(0xFF).writeByte('\n');

        backend.writeInbound(read);

        assertThat(clientMessages()).containsExactly("good", "also good");
        assertClosedWith(1011, "backend sent invalid UTF-8");
    }

    private void becomeWritable() {
        client.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        client.runPendingTasks();
        backend.runPendingTasks();
    }

    private void fromBackend(String text) {
        backend.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    private static byte[] frame(boolean fin, int opcode, String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] masked = TunnelSessionTest.frame(opcode, payload);
        if (!fin) {
            masked[0] &= 0x7F;
        }
        return masked;
    }

    private void fromClient(byte[]... frames) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] f : frames) {
            all.writeBytes(f);
        }
        client.writeInbound(Unpooled.wrappedBuffer(all.toByteArray()));
    }

    private String backendReceived() {
        StringBuilder out = new StringBuilder();
        for (Object msg; (msg = backend.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) msg;
            out.append(buf.toString(StandardCharsets.UTF_8));
            buf.release();
        }
        return out.toString();
    }

    /** The data messages the client got so far (released); stops at a CLOSE, which stays for the next check. */
    private List<String> clientMessages() {
        List<String> out = new ArrayList<>();
        for (Object msg; (msg = client.outboundMessages().peek()) != null; ) {
            if (msg instanceof CloseWebSocketFrame) {
                break;
            }
            client.readOutbound();
            WebSocketFrame frame = (WebSocketFrame) msg;
            out.add(frame.content().toString(StandardCharsets.UTF_8));
            frame.release();
        }
        return out;
    }

    private int closeCode() {
        Object msg = client.readOutbound();
        assertThat(msg).isInstanceOf(CloseWebSocketFrame.class);
        CloseWebSocketFrame close = (CloseWebSocketFrame) msg;
        try {
            return close.statusCode();
        } finally {
            close.release();
        }
    }

    private void assertClosedWith(int code, String reason) {
        Object msg = client.readOutbound();
        assertThat(msg).isInstanceOf(CloseWebSocketFrame.class);
        CloseWebSocketFrame close = (CloseWebSocketFrame) msg;
        try {
            assertThat(close.statusCode()).isEqualTo(code);
            assertThat(close.reasonText()).isEqualTo(reason);
        } finally {
            close.release();
        }
        client.advanceTimeBy(3, TimeUnit.SECONDS);
        client.runScheduledPendingTasks();
    }
}
