package io.sluice.tunnel.session;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** One route's session counts since start. Thread-safe; updated per session and per refusal, never per frame. */
public final class RouteStats {
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong total = new AtomicLong();
    private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();

    /** Sessions past the 101 and not yet CLOSED. */
    public int open() {
        return open.get();
    }

    /** Sessions that reached OPEN. */
    public long total() {
        return total.get();
    }

    /** Refused handshakes by reason key ({@link Refusal#reasonOf}), sorted by key. */
    public Map<String, Long> refusals() {
        Map<String, Long> copy = new TreeMap<>();
        refusals.forEach((reason, count) -> copy.put(reason, count.sum()));
        return copy;
    }

    void opened() {
        open.incrementAndGet();
        total.incrementAndGet();
    }

    void closed() {
        open.decrementAndGet();
    }

    void refused(String reason) {
        refusals.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }
}
