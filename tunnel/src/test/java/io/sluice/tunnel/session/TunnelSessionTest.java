package io.sluice.tunnel.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Errors;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.sluice.spawner.registry.SelectionKey;
import io.sluice.spawner.registry.SessionRequest;
import io.sluice.spawner.registry.StartFailure;
import io.sluice.spawner.registry.WorkerOutcome;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.tunnel.frame.BackendFramer;
import io.sluice.tunnel.frame.BackendMessages;
import io.sluice.tunnel.frame.StreamMessages;
import io.sluice.tunnel.frame.ClientFrameDecoder;
import io.sluice.tunnel.frame.InvalidBackendTextException;
import io.sluice.tunnel.server.TestRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Close mapping, relay and timers of one session, with both channels embedded (frames, not bytes, go out). */
class TunnelSessionTest {
    private static final Duration OFF = Duration.ZERO;

    private EmbeddedChannel client;
    private EmbeddedChannel backend;
    private TunnelSession session;
    private static final BackendAddress ADDRESS = new BackendAddress.Tcp("127.0.0.1", 9);
    private static final BackendAddress.Stdio PROGRAM = new BackendAddress.Stdio(Path.of("/bin/cat"));
    private TestRegistry registry = TestRegistry.leasing(ADDRESS);
    private final TunnelStats stats = new TunnelStats();
    private int clientReads;
    /** When set, connects fail with this instead of reaching the embedded backend. */
    private Throwable connectFailure;
    private String unavailableReason;

    /** A framer that makes binary frames, or rejects a 0xFF byte as a text framer rejects non-UTF-8. */
    private static final Framing FRAMING = new Framing() {
        @Override
        public BackendMessages backendMessages(WireFormat format) {
            return new StreamMessages(new BackendFramer() {
                @Override
                public WebSocketFrame frame(ByteBuf bytes) {
                    if (format == WireFormat.TEXT && bytes.indexOf(bytes.readerIndex(), bytes.writerIndex(),
                            (byte) 0xFF) >= 0) {
                        bytes.release();
                        throw new InvalidBackendTextException("byte 0xFF");
                    }
                    return format == WireFormat.TEXT ? new TextWebSocketFrame(bytes) : new BinaryWebSocketFrame(bytes);
                }

                @Override
                public WebSocketFrame finish() {
                    return null;
                }

                @Override
                public void release() {
                }
            });
        }

        @Override
        public ClientPayloadDecoder clientDecoder(WireFormat format) {
            return ClientPayloadDecoder.IDENTITY;
        }
    };

    private void open(WireFormat format, Duration ping, Duration pong, Duration idle, long maxMessageSize) {
        start(format, ping, pong, idle, maxMessageSize);
        assertThat(session.state()).isEqualTo(SessionState.OPEN);
        assertThat(stats.activeSessions()).isEqualTo(1);
    }

    /** Creates the session and starts connecting; with a worker that is not ready yet it stays CONNECTING. */
    private void start(WireFormat format, Duration ping, Duration pong, Duration idle, long maxMessageSize) {
        client = new EmbeddedChannel();
        client.freezeTime();
        client.config().setAutoRead(false);
        client.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
            @Override
            public void read(ChannelHandlerContext ctx) {
                clientReads++;
                ctx.read();
            }
        });
        var settings = new SessionSettings(ping, pong, idle, Duration.ofSeconds(5), Duration.ofSeconds(2));
        BackendConnector connector = (ch, lease, handler) -> {
            if (connectFailure != null) {
                return ch.newFailedFuture(connectFailure);
            }
            backend = new EmbeddedChannel(handler);
            backend.config().setAutoRead(false);
            return backend.newSucceededFuture();
        };
        session = new TunnelSession(client, "/r", format, settings, connector, FRAMING, stats);
        TunnelSession.ConnectListener listener = new TunnelSession.ConnectListener() {
            @Override
            public void connected(TunnelSession s) {
                client.pipeline().addLast(new ClientFrameDecoder(maxMessageSize, true), s.clientHandler());
                s.open();
            }

            @Override
            public void unavailable(TunnelSession s, int status, String reason) {
                unavailableReason = reason;
            }
        };
        session.connect(registry, new SessionRequest(new SelectionKey("/r", "h", "c"), "s1", null, List::of),
                listener);
    }

    private void open() {
        open(WireFormat.BINARY, OFF, OFF, OFF, 0);
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

    static byte[] frame(int opcode, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80 | opcode);
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else {
            out.write(0x80 | 126);
            out.write(payload.length >>> 8);
            out.write(payload.length);
        }
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        out.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i & 3]);
        }
        return out.toByteArray();
    }

    static byte[] close(int code) {
        return frame(0x8, new byte[] {(byte) (code >>> 8), (byte) code});
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

    private <T extends WebSocketFrame> T clientGot(Class<T> type) {
        Object msg = client.readOutbound();
        assertThat(msg).isInstanceOf(type);
        return type.cast(msg);
    }

    private void assertClosedWith(int code) {
        CloseWebSocketFrame close = clientGot(CloseWebSocketFrame.class);
        assertThat(close.statusCode()).isEqualTo(code);
        close.release();
    }

    private void assertSessionClosed() {
        client.runPendingTasks();
        backend.runPendingTasks();
        assertThat(client.isOpen()).isFalse();
        assertThat(backend.isOpen()).isFalse();
        assertThat(session.state()).isEqualTo(SessionState.CLOSED);
        assertThat(registry.count("released")).isEqualTo(1);
        assertThat(stats.activeSessions()).isZero();
    }

    /** proxy-protocol: v2: the header comes first, before any byte of the client. */
    @Test
    void startsTheBackendConnectionWithAProxyHeaderCarryingTheSessionIdWhenTheHostAsks() {
        registry = TestRegistry.proxying(ADDRESS);
        open();
        fromClient(frame(0x2, "hello".getBytes(StandardCharsets.UTF_8)));

        ByteBuf header = backend.readOutbound();
        assertThat(ByteBufUtil.hexDump(header, 0, 12)).isEqualTo("0d0a0d0a000d0a515549540a");
        assertThat(header.toString(StandardCharsets.UTF_8)).endsWith("\u0005\u0000\u0002s1");
        header.release();
        assertThat(backendReceived()).isEqualTo("hello");
    }

    @Test
    void sendsNoProxyHeaderToAHostWithoutIt() {
        open();
        fromClient(frame(0x2, "hello".getBytes(StandardCharsets.UTF_8)));

        assertThat(backendReceived()).isEqualTo("hello");
    }

    @Test
    void relaysClientPayloadToTheBackendAndBackendBytesToTheClient() {
        open();
        fromClient(frame(0x2, "hello ".getBytes(StandardCharsets.UTF_8)), frame(0x1, "world".getBytes(StandardCharsets.UTF_8)));
        assertThat(backendReceived()).isEqualTo("hello world");
        backend.writeInbound(Unpooled.copiedBuffer("back", StandardCharsets.UTF_8));
        BinaryWebSocketFrame frame = clientGot(BinaryWebSocketFrame.class);
        assertThat(frame.content().toString(StandardCharsets.UTF_8)).isEqualTo("back");
        frame.release();
        assertThat(stats.totalSessions()).isEqualTo(1);
    }

    @Test
    void answersPingWithPongCarryingTheSamePayload() {
        open();
        fromClient(frame(0x9, "abc".getBytes(StandardCharsets.UTF_8)));
        PongWebSocketFrame pong = clientGot(PongWebSocketFrame.class);
        assertThat(pong.content().toString(StandardCharsets.UTF_8)).isEqualTo("abc");
        pong.release();
    }

    @Test
    void echoesClientCloseCodeAfterFlushingEarlierDataAndThenEndsTheBackend() {
        open();
        fromClient(frame(0x2, "last words".getBytes(StandardCharsets.UTF_8)), close(4000));
        assertThat(backendReceived()).isEqualTo("last words");
        assertClosedWith(4000);
        assertSessionClosed();
    }

    @Test
    void sendsPendingBackendBytesThen1000WhenTheBackendEnds() {
        open();
        backend.writeInbound(Unpooled.copiedBuffer("tail", StandardCharsets.UTF_8));
        backend.close();
        BinaryWebSocketFrame data = clientGot(BinaryWebSocketFrame.class);
        assertThat(data.content().toString(StandardCharsets.UTF_8)).isEqualTo("tail");
        data.release();
        assertClosedWith(1000);
        // We started the close handshake: the client's reply completes it.
        fromClient(close(1000));
        assertSessionClosed();
    }

    @Test
    void closesWith1011WhenTheBackendFails() {
        open();
        backend.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        assertClosedWith(1011);
        client.advanceTimeBy(2, TimeUnit.SECONDS);
        client.runScheduledPendingTasks();
        assertSessionClosed();
    }

    @Test
    void closesWith1011WhenATextRouteBackendSendsInvalidUtf8() {
        open(WireFormat.TEXT, OFF, OFF, OFF, 0);
        backend.writeInbound(Unpooled.wrappedBuffer(new byte[] {'a', (byte) 0xFF}));
        assertClosedWith(1011);
        assertThat(backend.isOpen()).isFalse();
    }

    @Test
    void closesWith1002OnAProtocolViolationAnd1009OverMaxMessageSize() {
        open();
        client.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x82, 0x01, 'x'})); // not masked
        assertClosedWith(1002);
        tearDown();
        open(WireFormat.BINARY, OFF, OFF, OFF, 4);
        fromClient(frame(0x2, "12345".getBytes(StandardCharsets.UTF_8)));
        assertClosedWith(1009);
    }

    @Test
    void pingsExactlyEveryIntervalAndCloses1001WhenNoPongCameWithinTheTimeout() {
        open(WireFormat.BINARY, Duration.ofSeconds(30), Duration.ofSeconds(60), OFF, 0);
        client.advanceTimeBy(30, TimeUnit.SECONDS);
        client.runScheduledPendingTasks();
        PingWebSocketFrame ping = clientGot(PingWebSocketFrame.class);
        assertThat(ping.content().toString(StandardCharsets.US_ASCII)).isEqualTo("sluice");
        ping.release();
        fromClient(frame(0xA, "sluice".getBytes(StandardCharsets.US_ASCII))); // the last pong, at 30 s
        client.advanceTimeBy(30, TimeUnit.SECONDS);
        client.runScheduledPendingTasks();
        clientGot(PingWebSocketFrame.class).release(); // at 60 s, unanswered from now on
        assertThat(session.state()).isEqualTo(SessionState.OPEN);
        client.advanceTimeBy(30, TimeUnit.SECONDS);
        client.runScheduledPendingTasks(); // 90 s: 60 s since the last pong
        Object next = client.readOutbound();
        if (next instanceof PingWebSocketFrame extra) {
            extra.release();
        } else if (next instanceof CloseWebSocketFrame early) {
            assertThat(early.statusCode()).isEqualTo(1001);
            early.release();
            return;
        }
        assertClosedWith(1001);
    }

    @Test
    void closes1001AfterMaxReadIdleWithoutAClientFrame() {
        open(WireFormat.BINARY, OFF, OFF, Duration.ofSeconds(10), 0);
        client.advanceTimeBy(6, TimeUnit.SECONDS);
        client.runScheduledPendingTasks();
        fromClient(frame(0x2, "x".getBytes(StandardCharsets.UTF_8)));
        client.advanceTimeBy(6, TimeUnit.SECONDS);
        client.runScheduledPendingTasks();
        assertThat(session.state()).isEqualTo(SessionState.OPEN);
        client.advanceTimeBy(5, TimeUnit.SECONDS);
        client.runScheduledPendingTasks();
        assertClosedWith(1001);
        assertThat(backendReceived()).isEqualTo("x");
    }

    @Test
    void stopsReadingTheClientWhileTheBackendIsNotWritable() {
        open();
        backend.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        backend.runPendingTasks(); // the writability event is delivered as a task
        int before = clientReads;
        fromClient(frame(0x2, "a".getBytes(StandardCharsets.UTF_8)));
        assertThat(clientReads).isEqualTo(before);
        backend.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        backend.runPendingTasks();
        assertThat(clientReads).isEqualTo(before + 1);
        assertThat(backendReceived()).isEqualTo("a");
    }

    @Test
    void stopsReadingTheClientWhileItsOwnOutboundBufferIsFullWhateverItSends() {
        open();
        client.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        client.runPendingTasks();
        int before = clientReads;
        fromClient(frame(0x9, "p".getBytes(StandardCharsets.UTF_8)));
        assertThat(clientReads).isEqualTo(before);
        client.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        client.runPendingTasks();
        assertThat(clientReads).isEqualTo(before + 1);
        clientGot(PongWebSocketFrame.class).release();
    }

    @Test
    void answersEveryPingOfAReadInOrderAndBeforeAClose() {
        open();
        fromClient(frame(0x9, "a".getBytes(StandardCharsets.UTF_8)), frame(0x9, "b".getBytes(StandardCharsets.UTF_8)),
                frame(0x9, "c".getBytes(StandardCharsets.UTF_8)));
        for (String payload : new String[] {"a", "b", "c"}) {
            PongWebSocketFrame pong = clientGot(PongWebSocketFrame.class);
            assertThat(pong.content().toString(StandardCharsets.UTF_8)).isEqualTo(payload);
            pong.release();
        }
        assertThat((Object) client.readOutbound()).isNull();
        fromClient(frame(0x9, "d".getBytes(StandardCharsets.UTF_8)), close(1000));
        PongWebSocketFrame last = clientGot(PongWebSocketFrame.class);
        assertThat(last.content().toString(StandardCharsets.UTF_8)).isEqualTo("d");
        last.release();
        assertClosedWith(1000);
    }

    @Test
    void closeIsIdempotentAndReleasesTheLeaseOnce() {
        open();
        session.close(CloseReason.SHUTDOWN);
        session.close(CloseReason.BACKEND_ERROR);
        assertClosedWith(1001);
        fromClient(close(1001));
        assertSessionClosed();
        session.close(CloseReason.SHUTDOWN);
        assertThat(registry.count("released")).isEqualTo(1);
    }

    @Test
    void waitsForAWorkerStartedOnDemandBeforeConnecting() {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        registry = TestRegistry.worker(ADDRESS, ready, () -> WorkerOutcome.RUNNING);
        start(WireFormat.BINARY, OFF, OFF, OFF, 0);
        assertThat(session.state()).isEqualTo(SessionState.CONNECTING);
        assertThat(backend).as("no connect before the worker listens").isNull();
        ready.complete(null);
        client.runPendingTasks();
        assertThat(session.state()).isEqualTo(SessionState.OPEN);
        assertThat(registry.count("connected")).isEqualTo(1);
    }

    /**
     * A start that does not come within the lease's start timeout (a per-key host's start-timeout) is a 503 at once,
     * and the lease is released without blaming the worker: another attempt would wait for the same start.
     */
    @Test
    void answers503WhenTheWorkerDoesNotStartWithinTheStartTimeout() {
        registry = TestRegistry.worker(ADDRESS, new CompletableFuture<>(), () -> WorkerOutcome.RUNNING);
        start(WireFormat.BINARY, OFF, OFF, OFF, 0);
        elapse(1999);
        assertThat(session.state()).isEqualTo(SessionState.CONNECTING);

        elapse(1);

        assertThat(session.state()).isEqualTo(SessionState.CLOSED);
        assertThat(unavailableReason).isEqualTo("route /r: the backend did not start within 2 s");
        assertThat(registry.events).containsExactly("acquire /r", "released");
    }

    /** A worker whose outcome the test sets; counts how often the session read it. */
    private final AtomicReference<WorkerOutcome> outcome = new AtomicReference<>(WorkerOutcome.RUNNING);
    private int outcomeReads;

    /** Lets {@code millis} of the client loop's time pass in 1 ms steps, running every timer that comes due. */
    private void elapse(long millis) {
        for (long i = 0; i < millis; i++) {
            client.advanceTimeBy(1, TimeUnit.MILLISECONDS);
            client.runScheduledPendingTasks();
        }
    }

    private void openOnAWorker() {
        registry = TestRegistry.worker(ADDRESS, CompletableFuture.completedFuture(null), () -> {
            outcomeReads++;
            return outcome.get();
        });
        open();
    }

    @Test
    void closesWith1000AtOnceWhenTheWorkerOutlivesItsConnection() {
        openOnAWorker();
        backend.close();
        client.runPendingTasks();
        assertClosedWith(1000);
    }

    @Test
    void closesWith1011AtOnceWhenTheWorkerBehindTheBackendHasFailedSayingHow() {
        openOnAWorker();
        outcome.set(WorkerOutcome.failed("killed by SIGSEGV"));
        // The kernel shows a killed worker as EOF; the worker's outcome decides the code.
        backend.close();
        client.runPendingTasks();
        CloseWebSocketFrame close = clientGot(CloseWebSocketFrame.class);
        assertThat(close.statusCode()).isEqualTo(1011);
        assertThat(close.reasonText()).isEqualTo("killed by SIGSEGV");
        close.release();
    }

    /** A per-connection program is the session's own: one that still runs at EOF is waited for, within the linger. */
    @Test
    void waitsForItsOwnProgramThatClosedItsOutputAndTellsHowItEnded() {
        registry = TestRegistry.program(PROGRAM, CompletableFuture.completedFuture(null), outcome::get);
        open();
        backend.close();
        client.runPendingTasks();
        elapse(100);
        assertThat((Object) client.readOutbound()).as("no CLOSE while its program runs").isNull();

        outcome.set(WorkerOutcome.failed("exit 3"));
        elapse(5);
        CloseWebSocketFrame close = clientGot(CloseWebSocketFrame.class);
        assertThat(close.statusCode()).isEqualTo(1011);
        assertThat(close.reasonText()).isEqualTo("exit 3");
        close.release();
    }

    @Test
    void aProgramStillRunningAfterTheLingerEndsTheSessionWith1000() {
        registry = TestRegistry.program(PROGRAM, CompletableFuture.completedFuture(null), outcome::get);
        open();
        backend.close();
        client.runPendingTasks();
        elapse(2010);
        assertClosedWith(1000);
    }

    /**
     * A program that cannot be spawned fails its session with a 503 and its one-line reason at once: no second
     * acquire, so no second spawn of a missing binary.
     */
    @Test
    void aProgramThatCannotStartIsA503WithItsReasonAndNoRetry() {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        registry = TestRegistry.program(PROGRAM, ready, () -> WorkerOutcome.failed("did not start"));
        start(WireFormat.BINARY, OFF, OFF, OFF, 0);
        ready.completeExceptionally(new StartFailure("route /r: the backend program could not be started",
                new IllegalStateException("posix_spawn /bin/nope: ENOENT")));
        client.runPendingTasks();

        assertThat(session.state()).isEqualTo(SessionState.CLOSED);
        assertThat(unavailableReason).isEqualTo("route /r: the backend program could not be started");
        assertThat(registry.events).containsExactly("acquire /r", "released");
    }

    @Test
    void aProgramWhoseChannelCannotBeMadeIsA503WithoutAnotherSpawn() {
        registry = TestRegistry.program(PROGRAM, CompletableFuture.completedFuture(null), outcome::get);
        connectFailure = new ConnectException("connect(..) failed with error(-111): Connection refused");
        start(WireFormat.BINARY, OFF, OFF, OFF, 0);

        assertThat(session.state()).isEqualTo(SessionState.CLOSED);
        assertThat(unavailableReason).startsWith("route /r: the server cannot open a backend connection now");
        assertThat(registry.events).containsExactly("acquire /r", "released");
    }

    @Test
    void aCloseReasonIsCutToWhatACloseFrameHolds() {
        assertThat(CloseReason.fitText("exit 3")).isEqualTo("exit 3");
        String long124 = "x".repeat(122) + "é"; // 122 + 2 bytes: the last character does not fit whole
        assertThat(CloseReason.fitText(long124)).isEqualTo("x".repeat(122));
        assertThat(CloseReason.fitText("y".repeat(200)).length()).isEqualTo(CloseReason.MAX_TEXT_BYTES);
    }

    @Test
    void waitsForTheStatusOfADyingWorkerHoweverLongTheReaperTakesWithinTheLinger() {
        openOnAWorker();
        outcome.set(WorkerOutcome.EXITING);
        backend.close();
        client.runPendingTasks();
        elapse(600);
        assertThat((Object) client.readOutbound()).as("no CLOSE while the worker is still exiting").isNull();

        outcome.set(WorkerOutcome.failed("exit 3"));
        elapse(5);
        assertClosedWith(1011);
    }

    @Test
    void aDyingWorkerThatExitsWithZeroGives1000() {
        openOnAWorker();
        outcome.set(WorkerOutcome.EXITING);
        backend.close();
        client.runPendingTasks();
        outcome.set(WorkerOutcome.ENDED_CLEANLY);
        elapse(5);
        assertClosedWith(1000);
    }

    @Test
    void aDyingWorkerWhoseStatusNeverComesIsAFailureAfterTheLingerAndIsNotReadAgain() {
        openOnAWorker();
        outcome.set(WorkerOutcome.EXITING);
        backend.close();
        client.runPendingTasks();
        elapse(1980);
        assertThat((Object) client.readOutbound()).isNull();
        elapse(30);
        assertClosedWith(1011);

        int reads = outcomeReads;
        elapse(1000);
        assertThat(outcomeReads).isEqualTo(reads);
    }

    @Test
    void aConnectThatFailsOnSluicesSideAnswers503WithoutBlamingTheWorker() {
        Epoll.ensureAvailability(); // Netty's errno texts come from its native library
        connectFailure = new ChannelException(new Errors.NativeIoException("newSocketStream", -24));
        start(WireFormat.BINARY, OFF, OFF, OFF, 0);

        assertThat(session.state()).isEqualTo(SessionState.CLOSED);
        assertThat(unavailableReason).isEqualTo("route /r: the server cannot open a backend connection now "
                + "(Too many open files)");
        assertThat(registry.events).containsExactly("acquire /r", "released");
    }

    @Test
    void aRefusedConnectIsReportedAndRetriedOnAFreshLease() {
        connectFailure = new ConnectException("connect(..) failed with error(-111): Connection refused");
        start(WireFormat.BINARY, OFF, OFF, OFF, 0);

        assertThat(unavailableReason).startsWith("route /r: no backend accepted a connection after 5 attempts");
        assertThat(registry.count("connectFailed")).isEqualTo(TunnelSession.MAX_CONNECT_ATTEMPTS);
        assertThat(registry.count("released")).isEqualTo(TunnelSession.MAX_CONNECT_ATTEMPTS);
    }
}
