package io.sluice.spawner.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.spawner.posix.Signals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProcessGroupLedgerTest {
    private ChildFixture fixture;
    private Path file;

    @BeforeEach
    void setUp() throws IOException {
        file = Files.createTempDirectory(Path.of("/tmp"), "sluice-ledger").resolve("sluice.pids");
        fixture = new ChildFixture(new ProcessGroupLedger(file), false);
    }

    @AfterEach
    void tearDown() throws IOException {
        fixture.close();
        Files.deleteIfExists(file);
        Files.deleteIfExists(file.resolveSibling("sluice.pids.tmp"));
        Files.deleteIfExists(file.getParent());
    }

    @Test
    void recordsEveryLiveGroupWithItsStartTimeAndForgetsItOnExit() throws Exception {
        ChildProcess child = fixture.launch("/bin/sleep", "30");
        long start = ProcessGroupLedger.startTime(child.pid()).orElseThrow();

        assertThat(Files.readAllLines(file)).containsExactly(child.pid() + " " + start);

        child.signalGroup(Signals.KILL);
        child.exit().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Files.readAllLines(file)).isEmpty());
    }

    @Test
    void cleanupKillsALeftoverGroupThatIgnoresTermAndEmptiesTheFile() throws Exception {
        ChildProcess leftover = fixture.launch("/bin/sh", "-c", "trap '' TERM; while :; do sleep 1; done");
        await().atMost(Duration.ofSeconds(10)).until(() -> ChildFixture.ignoresTerm(leftover.pid()));
        String recorded = Files.readString(file);
        assertThat(recorded).startsWith(leftover.pid() + " ");

        // The next Sluice start reads the same file.
        ProcessGroupLedger nextStart = new ProcessGroupLedger(file);
        int signalled = nextStart.cleanupLeftovers(Duration.ofMillis(300));

        assertThat(signalled).isEqualTo(1);
        assertThat(leftover.exit().get(10, TimeUnit.SECONDS)).isEqualTo(new ExitStatus.Killed(Signals.KILL));
        assertThat(Files.readAllLines(file)).isEmpty();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !ProcessGroupLedger.hasLiveMembers(leftover.pid()));
    }

    @Test
    void cleanupSparesAGroupWhoseLeaderHasAnotherStartTime() throws Exception {
        ChildProcess survivor = fixture.launch("/bin/sleep", "30");
        long start = ProcessGroupLedger.startTime(survivor.pid()).orElseThrow();
        // As if the pid had been reused since the record was written.
        Files.writeString(file, survivor.pid() + " " + (start + 1) + "\n");

        int signalled = new ProcessGroupLedger(file).cleanupLeftovers(Duration.ofMillis(300));

        assertThat(signalled).isZero();
        assertThat(survivor.exit()).isNotDone();
        assertThat(Files.readAllLines(file)).isEmpty();
    }
}
