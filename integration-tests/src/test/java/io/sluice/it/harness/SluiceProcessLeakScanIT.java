package io.sluice.it.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The harness fails a test whose Sluice process printed a Netty leak report, shown with a stand-in process that
 * prints what Sluice's logback pattern makes of one.
 */
class SluiceProcessLeakScanIT {
    private static final String REPORT = "2026-01-01 00:00:00.000 ERROR [epollEventLoopGroup-3-1] ResourceLeakDetector"
            + " - LEAK: ByteBuf.release() was not called before it's garbage-collected.";

    @Test
    void closeFailsWhenTheProcessPrintedALeakReport() throws Exception {
        SluiceProcess process =
                SluiceProcess.command(List.of("/bin/sh", "-c", "echo started; echo \"$1\"", "sh", REPORT));
        assertThat(process.awaitExit(Duration.ofSeconds(10))).isZero();
        assertThatThrownBy(process::close).isInstanceOf(AssertionError.class)
                .hasMessageContaining("reported 1 Netty leak(s)").hasMessageContaining(REPORT);
    }

    @Test
    void closeFindsAReportOnStderrOfAProcessItHadToKill() throws Exception {
        SluiceProcess process =
                SluiceProcess.command(List.of("/bin/sh", "-c", "echo \"$1\" >&2; exec sleep 60", "sh", REPORT));
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> process.stderr().contains(REPORT));
            assertThatThrownBy(process::close).isInstanceOf(AssertionError.class).hasMessageContaining("LEAK:");
        } finally {
            process.process().destroyForcibly();
        }
    }

    @Test
    void closeIsQuietForACleanProcess() throws Exception {
        try (SluiceProcess process = SluiceProcess.command(List.of("/bin/sh", "-c", "echo 'no leak here'"))) {
            assertThat(process.awaitExit(Duration.ofSeconds(10))).isZero();
        }
    }
}
