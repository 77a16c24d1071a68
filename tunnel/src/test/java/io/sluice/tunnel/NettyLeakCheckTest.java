package io.sluice.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.sluice.testsupport.NettyLeakExtension;
import io.sluice.testsupport.NettyLeaks;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The check that fails a test class after which Netty reports a LEAK (sluice-test-support), proven on a real leak:
 * each test drops a buffer unreleased and asserts that the check trips, which also consumes the report, so this
 * class itself ends clean. The deliberate reports stay out of the console, where a LEAK line means a real bug.
 */
class NettyLeakCheckTest {
    private final Logger detector = (Logger) LoggerFactory.getLogger(NettyLeaks.DETECTOR_LOGGER);

    @BeforeEach
    void keepDeliberateReportsOffTheConsole() {
        detector.setAdditive(false); // the check's own recorder sits on this logger and still gets them
    }

    @AfterEach
    void restoreTheConsole() {
        detector.setAdditive(true);
    }

    /** A direct buffer that nobody releases; unreachable once this returns. */
    private static void dropUnreleasedBuffer(String content) {
        ByteBufAllocator.DEFAULT.directBuffer(64).writeBytes(content.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void isRegisteredForEveryClassOfThisModuleWithEveryBufferTracked() {
        assertThat(NettyLeakExtension.classesWatched()).as("autodetected through junit-platform.properties")
                .isPositive();
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
    }

    @Test
    void findsABufferDroppedWithoutReleaseAfterForcingTheCollector() {
        dropUnreleasedBuffer("first");
        assertThat(NettyLeaks.collect()).singleElement().asString()
                .startsWith("LEAK: ByteBuf.release() was not called")
                .contains("dropUnreleasedBuffer");
        assertThat(NettyLeaks.collect()).as("each report once").isEmpty();
    }

    @Test
    void failsWithTheDetectorsRecordsWhenALeakWasReported() {
        dropUnreleasedBuffer("second");
        assertThatThrownBy(() -> NettyLeakExtension.assertNoLeaks("a deliberately leaking test"))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Netty reported 1 leak(s) during or at the end of a deliberately leaking test")
                .hasMessageContaining("LEAK: ")
                .hasMessageContaining("NettyLeakCheckTest.dropUnreleasedBuffer");
        NettyLeakExtension.assertNoLeaks("the same test, after the report was consumed");
    }
}
