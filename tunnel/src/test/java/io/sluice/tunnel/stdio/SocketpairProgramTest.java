package io.sluice.tunnel.stdio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.sluice.spawner.process.ExitStatus;
import io.sluice.spawner.process.ExitWatcher;
import io.sluice.spawner.process.PosixStdioLauncher;
import io.sluice.spawner.process.StdioKind;
import io.sluice.spawner.process.StdioProgram;
import io.sluice.spawner.spec.LaunchSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The parent end of a per-connection program's socketpair as a Netty {@link EpollDomainSocketChannel} on an event
 * loop (reference/native-spawning.md §5): bytes round-trip through {@code cat} under writability-driven writes,
 * {@code shutdownOutput} is the program's stdin end of file, and nothing is left open afterwards.
 */
class SocketpairProgramTest {
    private static final WriteBufferWaterMark MARKS = new WriteBufferWaterMark(32 * 1024, 64 * 1024);
    private static final int CHUNK = 16 * 1024;

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

    static LaunchSpec spec(String... argv) {
        return new LaunchSpec(Path.of(argv[0]), List.of(argv), Map.of("PATH", "/usr/bin:/bin"), Path.of("/"), 15,
                Duration.ofSeconds(5), 16, 0600);
    }

    @Test
    void eightMebibytesRoundTripThroughCatWithBoundedPendingBytesThenStdinEndOfFileEndsIt() throws Exception {
        byte[] payload = new byte[8 << 20];
        new Random(42).nextBytes(payload);
        StdioProgram cat = launcher.launch(spec("/bin/cat"), StdioKind.SOCKETPAIR, List.of(), "cat#0");
        Pump pump = new Pump(payload, CHUNK, true);

        EpollDomainSocketChannel ch = new EpollDomainSocketChannel(cat.takeParentEnd());
        ch.config().setAllowHalfClosure(true);
        ch.config().setAutoRead(false);
        ch.config().setWriteBufferWaterMark(MARKS);
        ch.pipeline().addLast(pump);
        group.register(ch).sync();

        pump.inputEnded.get(30, TimeUnit.SECONDS);
        byte[] received = pump.received();
        assertThat(received.length).isEqualTo(payload.length);
        assertThat(Arrays.mismatch(received, payload)).as("first differing byte").isEqualTo(-1);
        assertThat(pump.peakPending()).isLessThanOrEqualTo(MARKS.high() + CHUNK);
        assertThat(pump.writabilityFlips()).isPositive();
        assertThat(cat.child().exit().get(10, TimeUnit.SECONDS)).isEqualTo(new ExitStatus.Exited(0));
        ch.close().sync();
    }

    @Test
    void closingTheChannelLeavesNoFdOpenWhateverTheProgramDid() throws Exception {
        warmUp();
        Set<String> before = openFds();

        for (String script : List.of("cat", "exec cat; exit 3", "kill -KILL $$", "echo out; echo err >&2")) {
            StdioProgram program = launcher.launch(spec("/bin/sh", "-c", script), StdioKind.SOCKETPAIR, List.of(),
                    "prog");
            Pump pump = new Pump(new byte[1000], 100, true);
            EpollDomainSocketChannel ch = new EpollDomainSocketChannel(program.takeParentEnd());
            ch.config().setAllowHalfClosure(true);
            ch.config().setAutoRead(false);
            ch.pipeline().addLast(pump);
            group.register(ch).sync();
            ExitStatus status = program.child().exit().get(10, TimeUnit.SECONDS);
            assertThat(status).isNotNull();
            pump.inputEnded.handle((v, e) -> null).get(10, TimeUnit.SECONDS);
            ch.close().sync();
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(openFds()).isSubsetOf(before));
    }

    private void warmUp() throws Exception {
        StdioProgram program = launcher.launch(spec("/bin/true"), StdioKind.SOCKETPAIR, List.of(), "warm-up");
        EpollDomainSocketChannel ch = new EpollDomainSocketChannel(program.takeParentEnd());
        group.register(ch).sync();
        program.child().exit().get(10, TimeUnit.SECONDS);
        ch.close().sync();
    }

    /**
     * This JVM's open descriptors as "fd -> what it is": a leak shows as an entry that was not there before, while
     * descriptors other code closes meanwhile (event loops of earlier test classes shutting down) do not matter.
     */
    static Set<String> openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            String listing = "/proc/" + ProcessHandle.current().pid() + "/fd";
            return fds.map(fd -> {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    // The listing's own descriptor is open while it runs, under whatever number was free.
                    return target.toString().equals(listing) ? null : fd.getFileName() + " -> " + target;
                } catch (IOException e) {
                    return null; // closed between the listing and the read
                }
            }).filter(Objects::nonNull).collect(Collectors.toSet());
        }
    }
}
