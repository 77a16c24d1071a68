package io.sluice.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.harness.CaseFamily;
import io.sluice.it.harness.Evidence;
import io.sluice.it.harness.Observed;
import io.sluice.it.harness.ReliabilityCase;
import io.sluice.it.reliability.soak.Soak;
import io.sluice.it.reliability.soak.SoakVerdict;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The soak in its short form (30 s, a sample every 3 s, a per-key worker SIGKILLed every 3 s): see {@link Soak}.
 * {@code bench/soak.sh} runs the same test for 10 minutes ({@code -Dsluice.soak.seconds=600}, samples every 10 s).
 * The report goes to {@code target/reliability/soak-report.md}.
 */
@ExtendWith(Evidence.class)
class SoakIT {
    private static final long SECONDS = Long.getLong("sluice.soak.seconds", 30);
    private static final long SAMPLE_EVERY = Long.getLong("sluice.soak.sample-seconds", SECONDS >= 300 ? 10 : 3);

    @Test
    @Timeout(value = 2, unit = TimeUnit.HOURS) // the soak bounds itself: its length plus a minute or two
    @ReliabilityCase(id = "soak.mixed-load", family = CaseFamily.SOAK,
            title = "mixed load (ping-pong, 1 MiB streams, churn, idle sessions) with a worker SIGKILLed every 3 s")
    void everyMetricStaysFlatNothingIsLostAndNothingIsLeft(Observed observed) throws Exception {
        SoakVerdict verdict = Soak.run(new Soak.Settings(Duration.ofSeconds(SECONDS),
                Duration.ofSeconds(SAMPLE_EVERY), Duration.ofSeconds(3)));
        Files.createDirectories(io.sluice.it.harness.Evidence.DIR);
        Files.writeString(io.sluice.it.harness.Evidence.DIR.resolve("soak-report.md"), verdict.report());
        System.out.println(verdict.report());
        assertThat(verdict.failures()).as(verdict.report()).isEmpty();
        assertThat(verdict.kills()).as("workers killed").isPositive();
        assertThat(verdict.cut()).as("sessions cut by the kills, each after an intact prefix").isPositive();
        observed.outcome("heap after GC, direct memory, fds, threads, child processes and live sessions stayed flat"
                + " (least-squares growth over the window within tolerance); every echoed byte matched, sessions on"
                + " a killed worker ended with 1011 after an intact prefix and no other session ended unexpectedly;"
                + " after the clients left no TunnelSession was on the heap; after SIGTERM (status 0) no worker and no"
                + " socket file was left; no Netty LEAK report.")
                .bound("fixed (soak)", "growth over the window: heap and direct memory 8 MiB or 10 %, fds 32 or 20 %,"
                        + " threads 4, child processes 2, live sessions 16 or 50 % (and none once the clients left)");
        verdict.measure(observed);
    }
}
