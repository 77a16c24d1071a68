package io.sluice.spawner.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.spawner.posix.Signals;
import io.sluice.spawner.spec.StopLadder;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StopLadderRunTest {
    private ChildFixture fixture;
    private ScheduledExecutorService timer;

    @BeforeEach
    void setUp() throws IOException {
        fixture = new ChildFixture();
        timer = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void tearDown() throws IOException {
        timer.shutdownNow();
        fixture.close();
    }

    @Test
    void childThatExitsOnTermIsNeverKilled() throws Exception {
        try (CapturedLogs logs = CapturedLogs.attach(LadderRun.class.getName())) {
            ChildProcess child = fixture.launch("/bin/sleep", "30");

            ExitStatus status = child.stop(StopLadder.of(Signals.TERM, Duration.ofSeconds(20)), timer)
                    .get(10, TimeUnit.SECONDS);

            assertThat(status).isEqualTo(new ExitStatus.Killed(Signals.TERM));
            assertThat(logs.messages()).isEmpty();
        }
    }

    @Test
    void childAndItsGroupIgnoringTermAreKilledAfterTheGraceAndReaped() throws Exception {
        try (CapturedLogs logs = CapturedLogs.attach(LadderRun.class.getName())) {
            // sh ignores TERM and so does its sleep (ignored dispositions survive exec): only the group KILL ends both.
            ChildProcess child = fixture.launch("/bin/sh", "-c", "trap '' TERM; echo ready; while :; do sleep 1; done");
            await().atMost(Duration.ofSeconds(10)).until(() -> ChildFixture.ignoresTerm(child.pid()));

            ExitStatus status = child.stop(StopLadder.of(Signals.TERM, Duration.ofMillis(300)), timer)
                    .get(10, TimeUnit.SECONDS);

            assertThat(status).isEqualTo(new ExitStatus.Killed(Signals.KILL));
            assertThat(logs.messages()).containsExactly(
                    "worker test#0 pid %d ignored TERM for 300ms; sending KILL".formatted(child.pid()));
            await().atMost(Duration.ofSeconds(10)).until(() -> !ProcessGroupLedger.hasLiveMembers(child.pid()));
        }
    }

    @Test
    void stopTwiceReturnsTheSameRun() throws Exception {
        ChildProcess child = fixture.launch("/bin/sleep", "30");
        StopLadder ladder = StopLadder.of(Signals.TERM, Duration.ofSeconds(5));

        assertThat(child.stop(ladder, timer)).isSameAs(child.stop(ladder, timer));
        assertThat(child.exit().get(10, TimeUnit.SECONDS)).isEqualTo(new ExitStatus.Killed(Signals.TERM));
    }
}
