package io.sluice.spawner.process;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-worker output budget on a hand-driven clock: burst, refill, drop count, report once per interval. */
class OutputBudgetTest {
    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final OutputBudget budget = new OutputBudget("w#0", 42, 10, 3, now::get);

    private int admitted(int lines) {
        int admitted = 0;
        for (int i = 0; i < lines; i++) {
            admitted += budget.admit() ? 1 : 0;
        }
        return admitted;
    }

    private void advanceMillis(long millis) {
        now.addAndGet(millis * 1_000_000);
    }

    @Test
    void admitsTheBurstThenTheRateAndReportsDroppedLinesOncePerIntervalWhenOutputResumes() {
        try (CapturedLogs logs = CapturedLogs.attach(OutputLines.LOGGER)) {
            assertThat(admitted(10)).as("the burst").isEqualTo(3);
            assertThat(budget.hasDropped()).isTrue();
            assertThat(logs.messages()).isEmpty();

            advanceMillis(100); // one line's worth at 10 lines/s
            assertThat(admitted(5)).isEqualTo(1);
            assertThat(logs.messages()).containsExactly(
                    "w#0 pid=42: 7 lines of output dropped (more than 10 lines/s after a burst of 3)");
            assertThat(logs.events().get(0).getLevel()).isEqualTo(Level.WARN);
            assertThat(logs.events().get(0).getMDCPropertyMap()).containsEntry("worker", "w#0")
                    .containsEntry("pid", "42");

            advanceMillis(200); // two more lines, but the last report is only 200 ms old
            assertThat(admitted(6)).isEqualTo(2);
            assertThat(logs.messages()).hasSize(1);
            budget.reportIfDue();
            assertThat(logs.messages()).hasSize(1);

            advanceMillis(800); // the interval has passed: the periodic check reports what was dropped since
            budget.reportIfDue();
            assertThat(logs.messages()).hasSize(2).last().asString().contains(": 8 lines of output dropped");
            assertThat(budget.hasDropped()).isFalse();
        }
    }

    @Test
    void neverHoldsMoreThanTheBurstAndReportsAtTheEndOfOutputWhateverTheInterval() {
        try (CapturedLogs logs = CapturedLogs.attach(OutputLines.LOGGER)) {
            advanceMillis(60_000);
            assertThat(admitted(5)).as("a long silence refills only the burst").isEqualTo(3);
            budget.reportNow();
            assertThat(logs.messages()).singleElement().asString().contains(": 2 lines of output dropped");
            budget.reportNow();
            assertThat(logs.messages()).hasSize(1);
        }
    }
}
