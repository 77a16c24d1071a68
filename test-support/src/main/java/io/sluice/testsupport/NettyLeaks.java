package io.sluice.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Records every leak report of Netty's {@code ResourceLeakDetector} in this JVM (its ERROR lines, "LEAK: …"), and
 * makes the detector find unreleased buffers on demand. Netty only notices a leak when the garbage collector has
 * cleared the buffer and a later tracked allocation polls the detector's queue; {@link #collect()} forces both.
 * Thread-safe.
 */
public final class NettyLeaks {
    /** The logger Netty's leak detector reports on. */
    public static final String DETECTOR_LOGGER = ResourceLeakDetector.class.getName();
    private static final int GC_ROUNDS = 3;
    private static final long GC_WAIT_MILLIS = 2_000;
    private static final int REPORT_CHARS = 4_000;
    private static final Recorder RECORDER = new Recorder();

    private NettyLeaks() {
    }

    /** Records ERROR events on the detector's logger; appends are called on whatever thread logs. */
    private static final class Recorder extends AppenderBase<ILoggingEvent> {
        private final List<String> reports = new ArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
                String report = event.getFormattedMessage();
                synchronized (reports) {
                    reports.add(report.length() > REPORT_CHARS ? report.substring(0, REPORT_CHARS) + " …" : report);
                }
            }
        }

        List<String> drain() {
            synchronized (reports) {
                List<String> drained = List.copyOf(reports);
                reports.clear();
                return drained;
            }
        }
    }

    /**
     * Attaches the recorder to the detector's logger, again if a logging reset removed or stopped it, and makes sure
     * every buffer is tracked (paranoid), as the build's {@code -Dio.netty.leakDetection.level} asks, also when a
     * test runs without it (from an IDE).
     */
    public static synchronized void install() {
        if (ResourceLeakDetector.getLevel().ordinal() < ResourceLeakDetector.Level.PARANOID.ordinal()) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        }
        Logger logger = (Logger) LoggerFactory.getLogger(DETECTOR_LOGGER);
        if (!RECORDER.isStarted()) {
            RECORDER.setContext(logger.getLoggerContext());
            RECORDER.setName("netty-leaks");
            RECORDER.start();
        }
        if (!logger.isAttached(RECORDER)) {
            logger.addAppender(RECORDER);
        }
        if (!logger.isEnabledFor(Level.ERROR)) {
            logger.setLevel(Level.ERROR); // Netty skips the leak check entirely when ERROR is off for its logger
        }
    }

    /**
     * Runs the garbage collector until unreachable buffers are queued, lets Netty report them, and returns every leak
     * report recorded since the last call (then forgets them).
     */
    public static List<String> collect() {
        install();
        for (int round = 0; round < GC_ROUNDS; round++) {
            forceGc();
            // A tracked allocation polls the detector's queue and logs what it finds; both allocators share it.
            ByteBufAllocator.DEFAULT.buffer(1).release();
            Unpooled.buffer(1).release();
        }
        return RECORDER.drain();
    }

    /** One full collection, waiting (bounded) until the reference handler has queued what it cleared. */
    private static void forceGc() {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> canary = new WeakReference<>(new Object(), queue);
        System.gc();
        try {
            queue.remove(GC_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        canary.clear();
    }
}
