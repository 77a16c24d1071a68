package io.sluice.spawner.process;

import io.sluice.spawner.spec.OutputLevels;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * Cuts one child stream (stdout or stderr) into lines and logs each to {@code sluice.backend} at the host's
 * {@code output-level} (stdout INFO and stderr WARN by default; OFF drops them, unread by the budget), with MDC
 * {@code worker} and {@code pid}, as far as the worker's {@link OutputBudget} allows. Lines longer than
 * {@link #MAX_LINE} bytes are cut. Confined to the reaper thread.
 */
final class OutputLines {
    static final String LOGGER = "sluice.backend";
    static final int MAX_LINE = 8192;
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private final String worker;
    private final int pid;
    /** Null for {@code off}. */
    private final Level level;
    private final OutputBudget budget;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    OutputLines(String worker, int pid, OutputLevels.Level level, OutputBudget budget) {
        this.worker = worker;
        this.pid = pid;
        this.level = level == OutputLevels.Level.OFF ? null : Level.valueOf(level.name());
        this.budget = budget;
    }

    void accept(byte[] buffer, int length) {
        int start = 0;
        for (int i = 0; i < length; i++) {
            if (buffer[i] == '\n') {
                append(buffer, start, i - start);
                emit();
                start = i + 1;
            }
        }
        append(buffer, start, length - start);
    }

    /** At end of file: logs a last line that had no newline. */
    void finish() {
        if (pending.size() > 0) {
            emit();
        }
    }

    private void append(byte[] buffer, int offset, int length) {
        while (length > 0) {
            int room = MAX_LINE - pending.size();
            int n = Math.min(room, length);
            pending.write(buffer, offset, n);
            offset += n;
            length -= n;
            if (pending.size() == MAX_LINE) {
                emit();
            }
        }
    }

    private void emit() {
        if (level == null || !LOG.isEnabledForLevel(level) || !budget.admit()) {
            pending.reset();
            return;
        }
        byte[] bytes = pending.toByteArray();
        pending.reset();
        int end = bytes.length;
        if (end > 0 && bytes[end - 1] == '\r') {
            end--;
        }
        String line = new String(bytes, 0, end, StandardCharsets.UTF_8);
        MDC.put("worker", worker);
        MDC.put("pid", Integer.toString(pid));
        try {
            LOG.atLevel(level).log("{} pid={}: {}", worker, pid, line);
        } finally {
            MDC.remove("worker");
            MDC.remove("pid");
        }
    }
}
