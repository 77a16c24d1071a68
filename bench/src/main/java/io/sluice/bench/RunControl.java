package io.sluice.bench;

import io.netty.util.concurrent.EventExecutor;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What all connections of one run share: the phase (read by event loops, set by the main thread), error counting,
 * the latches the main thread waits on, and one histogram per event loop.
 * Thread-safe; each histogram is written only by its own event loop and read after the loops are quiet.
 */
final class RunControl {

    /** Where the run is; connections send new messages only while {@link #sending()}. */
    enum Phase { CONNECTING, WARMUP, MEASURE, DRAIN }

    static final int CONNECT_CONCURRENCY = 128;

    private volatile Phase phase = Phase.CONNECTING;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    final CountDownLatch opened;
    final CountDownLatch settled;
    /** Bounds handshakes in progress so a burst of connects does not overflow the server's listen backlog. */
    final Semaphore connectSlots = new Semaphore(CONNECT_CONCURRENCY);
    private final Map<EventExecutor, LogLinearHistogram> histograms = new IdentityHashMap<>();

    RunControl(int connections, Iterable<EventExecutor> loops) {
        this.opened = new CountDownLatch(connections);
        this.settled = new CountDownLatch(connections);
        for (EventExecutor loop : loops) {
            histograms.put(loop, new LogLinearHistogram());
        }
    }

    Phase phase() {
        return phase;
    }

    void phase(Phase next) {
        phase = next;
    }

    boolean sending() {
        return phase == Phase.WARMUP || phase == Phase.MEASURE;
    }

    LogLinearHistogram histogram(EventExecutor loop) {
        return histograms.get(loop);
    }

    LogLinearHistogram mergedHistogram() {
        LogLinearHistogram all = new LogLinearHistogram();
        histograms.values().forEach(all::add);
        return all;
    }

    void error(String what) {
        errors.incrementAndGet();
        firstError.compareAndSet(null, what);
    }

    long errors() {
        return errors.get();
    }

    String firstError() {
        return firstError.get();
    }
}
