package io.sluice.spawner.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What "does not drain" means, sample by sample (one a second, as the tick takes them), with accept-timeout 10 s. */
class AcceptWatchTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** Feeds one sample a second; returns the verdicts. */
    private static List<Boolean> verdicts(int... queued) {
        AcceptWatch watch = new AcceptWatch(Duration.ofSeconds(10));
        List<Boolean> hung = new ArrayList<>();
        for (int i = 0; i < queued.length; i++) {
            hung.add(watch.hung(T0.plusSeconds(i), queued[i]));
        }
        return hung;
    }

    @Test
    void aQueueThatNeverShrinksForTheTimeoutIsHung() {
        assertThat(verdicts(0, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3)).containsExactly(false, false, false, false, false,
                false, false, false, false, false, false, true);
    }

    @Test
    void aBusyWorkerWhoseQueueShrinksNowAndThenIsNeverHung() {
        // Connections arrive faster than one a second and are accepted a little later: never empty at a sample.
        int[] busy = new int[60];
        for (int i = 0; i < busy.length; i++) {
            busy[i] = 3 + (i % 4 == 3 ? -1 : i % 4);
        }
        assertThat(verdicts(busy)).containsOnly(false);
    }

    @Test
    void anEmptySampleStartsTheWindowAgain() {
        assertThat(verdicts(1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)).containsOnly(false);
    }

    @Test
    void aShrinkStartsTheWindowAgainEvenWhenTheQueueGrowsLater() {
        assertThat(verdicts(5, 5, 5, 5, 5, 5, 5, 5, 5, 4, 6, 6, 6, 6, 6, 6, 6, 6, 6)).containsOnly(false);
        assertThat(verdicts(5, 5, 5, 5, 5, 5, 5, 5, 5, 4, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6)).endsWith(true);
    }

    @Test
    void describesTheQueueAndHowLongItWaited() {
        AcceptWatch watch = new AcceptWatch(Duration.ofSeconds(2));
        watch.hung(T0, 3);
        assertThat(watch.hung(T0.plusSeconds(2), 3)).isTrue();
        assertThat(watch.describe(T0.plusSeconds(2))).isEqualTo("3 connections waited 2.0 s, never fewer");
    }
}
