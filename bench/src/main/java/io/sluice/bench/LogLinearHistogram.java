package io.sluice.bench;

/**
 * Latency histogram with log-linear buckets: exact below 128 ns, then 64 buckets per power of two (under 1.6 %
 * relative error), so percentiles cost a few kilobytes and no allocation per value.
 * Not thread-safe: one instance per event loop, merged after the run.
 */
final class LogLinearHistogram {
    private static final int LINEAR = 128;
    private static final int SUB_BITS = 6;
    private static final int SUB = 1 << SUB_BITS;
    private static final int SIZE = LINEAR + 58 * SUB;

    private final long[] counts = new long[SIZE];
    private long total;
    private long max;

    void record(long nanos) {
        long v = Math.max(0, nanos);
        counts[index(v)]++;
        total++;
        max = Math.max(max, v);
    }

    void add(LogLinearHistogram other) {
        for (int i = 0; i < SIZE; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        max = Math.max(max, other.max);
    }

    long count() {
        return total;
    }

    long max() {
        return max;
    }

    /** The upper edge of the bucket holding the given quantile (0..1), capped at the exact maximum. */
    long percentile(double quantile) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * total));
        long seen = 0;
        for (int i = 0; i < SIZE; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upperEdge(i), max);
            }
        }
        return max;
    }

    static int index(long v) {
        if (v < LINEAR) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v);
        int shift = exponent - SUB_BITS;
        int sub = (int) (v >>> shift) - SUB;
        int index = LINEAR + (shift - 1) * SUB + sub;
        return Math.min(index, SIZE - 1);
    }

    static long upperEdge(int index) {
        if (index < LINEAR) {
            return index;
        }
        int shift = (index - LINEAR) / SUB + 1;
        long sub = (index - LINEAR) % SUB + SUB;
        return ((sub + 1) << shift) - 1;
    }
}
