package io.sluice.spawner.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A real worker writing output at full speed: the log stays bounded, the drops are counted, the worker never waits. */
class OutputFloodTest {
    private static final int LINES = 3_000_000;
    private static final Pattern DROPPED = Pattern.compile(": (\\d+) lines of output dropped");

    private ChildFixture fixture;
    private final Counting counting = new Counting();

    /** Counts output lines instead of keeping them (millions would not fit a test's list), keeps the reports. */
    private static final class Counting extends AppenderBase<ILoggingEvent> {
        final AtomicLong floodLines = new AtomicLong();
        final List<String> reports = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            String message = event.getFormattedMessage();
            if (message.endsWith(": flood")) {
                floodLines.incrementAndGet();
            } else if (DROPPED.matcher(message).find()) {
                reports.add(message);
            }
        }

        long droppedTotal() {
            long total = 0;
            for (String report : reports) {
                Matcher m = DROPPED.matcher(report);
                if (m.find()) {
                    total += Long.parseLong(m.group(1));
                }
            }
            return total;
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        fixture = new ChildFixture();
        Logger logger = (Logger) LoggerFactory.getLogger(OutputLines.LOGGER);
        counting.setContext(logger.getLoggerContext());
        counting.start();
        logger.addAppender(counting);
    }

    @AfterEach
    void tearDown() throws Exception {
        ((Logger) LoggerFactory.getLogger(OutputLines.LOGGER)).detachAppender(counting);
        counting.stop();
        fixture.close();
    }

    @Test
    void aWorkerFloodingItsOutputIsLoggedWithinTheBudgetAndFinishesUnblocked() throws Exception {
        long start = System.nanoTime();
        // stdout (INFO) so the console, which shows WARN and above, stays quiet whatever happens
        ChildProcess child = fixture.launch("/bin/sh", "-c", "yes flood | head -n " + LINES);

        // Not blocked: the reaper keeps draining the pipe while it drops lines.
        assertThat(child.exit().get(30, TimeUnit.SECONDS)).isEqualTo(new ExitStatus.Exited(0));
        // Every line is accounted for: logged, or counted in a report (the last one comes at the end of output).
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(counting.floodLines.get() + counting.droppedTotal()).isEqualTo(LINES));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(counting.floodLines.get()).as("logged lines after %.2f s", seconds)
                .isPositive()
                .isLessThanOrEqualTo(OutputBudget.BURST + (long) Math.ceil(seconds * OutputBudget.LINES_PER_SECOND));
        assertThat(counting.reports).as("the first when output resumes, then one a second at most, and the last")
                .isNotEmpty()
                .hasSizeLessThanOrEqualTo((int) seconds + 2);
    }
}
