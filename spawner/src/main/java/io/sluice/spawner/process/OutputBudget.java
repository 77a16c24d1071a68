package io.sluice.spawner.process;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * How many lines of one worker's output (stdout and stderr together) reach the log: a token bucket of
 * {@link #BURST} lines refilled at {@link #LINES_PER_SECOND}. Lines beyond it are counted and dropped (the pipes are
 * still read at full speed, so the worker never blocks on them), and one WARN line "N lines of output dropped" reports
 * them when a line is logged again or when the reaper's periodic check finds them, at most once per
 * {@link #REPORT_INTERVAL_NANOS}, and always when the worker's output ends. A worker writing its stderr at full speed
 * once produced 422 MB of log in 8 s; this bounds it to the burst plus 100 lines (at most 800 KiB) a second.
 * Confined to the reaper thread.
 */
final class OutputBudget {
    static final int LINES_PER_SECOND = 100;
    static final int BURST = 1_000;
    static final long REPORT_INTERVAL_NANOS = 1_000_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger(OutputLines.LOGGER);

    private final String worker;
    private final int pid;
    private final LongSupplier nanoTime;
    private final long nanosPerLine;
    private final long capacityNanos;
    private long creditNanos;
    private long lastRefill;
    private long dropped;
    private long nextReport;

    OutputBudget(String worker, int pid) {
        this(worker, pid, LINES_PER_SECOND, BURST, System::nanoTime);
    }

    OutputBudget(String worker, int pid, int linesPerSecond, int burst, LongSupplier nanoTime) {
        this.worker = worker;
        this.pid = pid;
        this.nanoTime = nanoTime;
        this.nanosPerLine = 1_000_000_000L / linesPerSecond;
        this.capacityNanos = nanosPerLine * burst;
        this.creditNanos = capacityNanos;
        this.lastRefill = nanoTime.getAsLong();
        this.nextReport = lastRefill;
    }

    /**
     * Whether the next line may be logged; if so, first reports the lines dropped before it (once per interval).
     * A refused line is counted.
     */
    boolean admit() {
        long now = nanoTime.getAsLong();
        creditNanos = Math.min(capacityNanos, creditNanos + (now - lastRefill));
        lastRefill = now;
        if (creditNanos < nanosPerLine) {
            dropped++;
            return false;
        }
        creditNanos -= nanosPerLine;
        if (dropped > 0 && now - nextReport >= 0) {
            report(now);
        }
        return true;
    }

    /** Whether dropped lines wait for their report. */
    boolean hasDropped() {
        return dropped > 0;
    }

    /** Reports the dropped lines if the interval since the last report has passed (the reaper's periodic check). */
    void reportIfDue() {
        if (dropped > 0) {
            long now = nanoTime.getAsLong();
            if (now - nextReport >= 0) {
                report(now);
            }
        }
    }

    /** Reports the dropped lines now: the output ended, nothing later would. */
    void reportNow() {
        if (dropped > 0) {
            report(nanoTime.getAsLong());
        }
    }

    private void report(long now) {
        MDC.put("worker", worker);
        MDC.put("pid", Integer.toString(pid));
        try {
            LOG.warn("{} pid={}: {} lines of output dropped (more than {} lines/s after a burst of {})", worker, pid,
                    dropped, 1_000_000_000L / nanosPerLine, capacityNanos / nanosPerLine);
        } finally {
            MDC.remove("worker");
            MDC.remove("pid");
        }
        dropped = 0;
        nextReport = now + REPORT_INTERVAL_NANOS;
    }
}
