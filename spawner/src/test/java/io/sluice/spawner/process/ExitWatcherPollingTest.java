package io.sluice.spawner.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fallback for kernels without pidfd_open: the reaper sweeps waitpid(pid, WNOHANG) every 50 ms. */
class ExitWatcherPollingTest {
    private ChildFixture fixture;

    @BeforeEach
    void setUp() throws IOException {
        fixture = new ChildFixture(null, true);
    }

    @AfterEach
    void tearDown() throws IOException {
        fixture.close();
    }

    @Test
    void reapsChildrenAndLogsTheirOutputWithoutPidfds() throws Exception {
        try (CapturedLogs logs = CapturedLogs.attach(OutputLines.LOGGER)) {
            ChildProcess child = fixture.launch("/bin/sh", "-c", "echo polled; exit 7");

            assertThat(child.exit().get(10, TimeUnit.SECONDS)).isEqualTo(new ExitStatus.Exited(7));
            assertThat(fixture.watcher.isPolling()).isFalse();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(logs.messages())
                    .containsExactly("test#0 pid=" + child.pid() + ": polled"));
        }
    }

    @Test
    void reportsAKilledChild() throws Exception {
        ChildProcess child = fixture.launch("/bin/sleep", "30");
        assertThat(fixture.watcher.isPolling()).isTrue();

        child.signalGroup(9);

        assertThat(child.exit().get(10, TimeUnit.SECONDS)).isEqualTo(new ExitStatus.Killed(9));
    }
}
