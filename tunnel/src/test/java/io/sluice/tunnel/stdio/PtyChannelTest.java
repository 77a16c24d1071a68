package io.sluice.tunnel.stdio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.FileDescriptor;
import io.sluice.spawner.process.ExitStatus;
import io.sluice.spawner.process.ExitWatcher;
import io.sluice.spawner.process.PosixStdioLauncher;
import io.sluice.spawner.process.StdioKind;
import io.sluice.spawner.process.StdioProgram;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PtyChannel} on a real pseudo-terminal master with real programs: no thread per session, backpressure both
 * ways, the end of the program closes the channel after its last output, and closing the channel hangs it up.
 */
class PtyChannelTest {
    private static final WriteBufferWaterMark MARKS = new WriteBufferWaterMark(32 * 1024, 64 * 1024);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private EventLoopGroup group;
    private ExitWatcher watcher;
    private PosixStdioLauncher launcher;

    @BeforeEach
    void setUp() throws IOException {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        watcher = ExitWatcher.start();
        launcher = new PosixStdioLauncher(watcher, null);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        watcher.close();
    }

    private StdioProgram launch(String... argv) throws IOException {
        return launcher.launch(SocketpairProgramTest.spec(argv), StdioKind.PTY, List.of(), "pty-test");
    }

    private Channel register(StdioProgram program, Pump pump) throws InterruptedException {
        Channel ch = StdioChannels.wrap(program.takeParentEnd(), true);
        ch.config().setAutoRead(false);
        ch.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, MARKS);
        ch.pipeline().addLast(pump);
        group.register(ch).sync();
        return ch;
    }

    @Test
    void nettysDomainSocketChannelCannotAdoptATerminal() throws Exception {
        // Netty 4.2's epoll socket channels call getsockname at construction and recv/send for data: ENOTSOCK.
        StdioProgram cat = launch("/bin/cat");
        int fd = cat.takeParentEnd();

        assertThatThrownBy(() -> new EpollDomainSocketChannel(fd)).isInstanceOf(ChannelException.class)
                .hasMessageContaining("Socket operation on non-socket");

        new FileDescriptor(fd).close();
        assertThat(cat.child().exit().get(10, TimeUnit.SECONDS)).isEqualTo(new ExitStatus.Killed(1));
    }

    @Test
    void oneMebibyteOfEveryByteValueRoundTripsThroughCatWithBoundedPendingBytes() throws Exception {
        byte[] payload = new byte[1 << 20];
        new Random(7).nextBytes(payload);
        StdioProgram cat = launch("/bin/cat");
        Pump pump = new Pump(payload, 16 * 1024, false);

        Channel ch = register(cat, pump);

        await().atMost(Duration.ofSeconds(30)).until(() -> pump.receivedCount() >= payload.length);
        byte[] received = pump.received();
        assertThat(received.length).isEqualTo(payload.length);
        assertThat(Arrays.mismatch(received, payload)).as("first differing byte").isEqualTo(-1);
        assertThat(pump.peakPending()).isLessThanOrEqualTo(MARKS.high() + 16 * 1024);
        assertThat(pump.writabilityFlips()).isPositive();
        ch.close().sync();
        assertThat(cat.child().exit().get(10, TimeUnit.SECONDS)).isEqualTo(new ExitStatus.Killed(1));
    }

    @Test
    void blockBufferingProgramStreamsItsLineAtOnceAndItsExitClosesTheChannel() throws Exception {
        // perl's stdout is block-buffered unless it is a terminal: on a socketpair "first" would wait for the exit.
        StdioProgram perl = launch("/usr/bin/perl", "-e", "print \"first\\n\"; my $l = <STDIN>; print \"got $l\";");
        Pump pump = new Pump(new byte[0], 1, false);
        Channel ch = register(perl, pump);

        await().atMost(WAIT).until(() -> new String(pump.received(), StandardCharsets.UTF_8).equals("first\n"));
        assertThat(perl.child().exit()).isNotDone();
        CompositeByteBuf line = PooledByteBufAllocator.DEFAULT.compositeDirectBuffer(2)
                .addComponent(true, direct("x"))
                .addComponent(true, direct("\n"));
        ch.writeAndFlush(line).sync();

        pump.inputEnded.get(10, TimeUnit.SECONDS);
        assertThat(new String(pump.received(), StandardCharsets.UTF_8)).isEqualTo("first\ngot x\n");
        assertThat(ch.isOpen()).isFalse();
        assertThat(perl.child().exit().get(10, TimeUnit.SECONDS)).isEqualTo(new ExitStatus.Exited(0));
    }

    @Test
    void everythingWrittenBeforeTheExitArrivesBeforeTheChannelCloses() throws Exception {
        StdioProgram program = launch("/bin/sh", "-c", "head -c 300000 /dev/zero | tr '\\0' x; exit 5");
        Pump pump = new Pump(new byte[0], 1, false);

        register(program, pump);

        pump.inputEnded.get(10, TimeUnit.SECONDS);
        byte[] received = pump.received();
        assertThat(received).hasSize(300000);
        assertThat(new String(received, StandardCharsets.US_ASCII)).matches("x+");
        assertThat(program.child().exit().get(10, TimeUnit.SECONDS)).isEqualTo(new ExitStatus.Exited(5));
    }

    @Test
    void noFdIsLeftOpenAfterSessionsEndEitherWay() throws Exception {
        StdioProgram warmUp = launch("/bin/true");
        Pump first = new Pump(new byte[0], 1, false);
        register(warmUp, first);
        first.inputEnded.get(10, TimeUnit.SECONDS);
        Set<String> before = SocketpairProgramTest.openFds();

        for (int i = 0; i < 6; i++) {
            StdioProgram program = launch("/bin/sh", "-c", i % 2 == 0 ? "echo hi; exit 2" : "exec cat");
            Pump pump = new Pump("data\n".getBytes(StandardCharsets.US_ASCII), 5, false);
            Channel ch = register(program, pump);
            if (i % 2 == 1) {
                await().atMost(WAIT).until(() -> pump.receivedCount() == 5);
                ch.close().sync();
            }
            pump.inputEnded.get(10, TimeUnit.SECONDS);
            program.child().exit().get(10, TimeUnit.SECONDS);
        }

        await().atMost(WAIT).untilAsserted(() -> assertThat(SocketpairProgramTest.openFds()).isSubsetOf(before));
    }

    private static ByteBuf direct(String s) {
        return PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }
}
