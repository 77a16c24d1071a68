package io.sluice.it.reliability.soak;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** What the soak's clients did and saw, counted from many threads. Thread-safe. */
final class SoakTally {
    final AtomicLong sessions = new AtomicLong();
    final AtomicLong roundTrips = new AtomicLong();
    final AtomicLong bytesVerified = new AtomicLong();
    final AtomicLong streams = new AtomicLong();
    final AtomicLong churned = new AtomicLong();
    /** Sessions on a killed worker: ended with 1011 after an intact prefix. */
    final AtomicLong cut = new AtomicLong();
    final AtomicLong kills = new AtomicLong();
    /** 503s while a killed per-key worker was being replaced: refused, never half-served. */
    final AtomicLong refused = new AtomicLong();
    /** Anything else: a wrong or missing byte, an unexpected close code, a failed handshake. */
    final AtomicLong errors = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();

    void error(String what) {
        errors.incrementAndGet();
        firstError.compareAndSet(null, what);
    }

    String firstError() {
        return firstError.get();
    }
}
