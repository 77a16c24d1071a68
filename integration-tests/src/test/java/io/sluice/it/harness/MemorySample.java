package io.sluice.it.harness;

/**
 * A JVM's memory and descriptors at one moment: live heap after a full GC, direct memory (Netty's own accounting of
 * its direct buffers and pooled chunks, plus the JDK's direct buffer pool; or, for another JVM, native memory tracking's
 * "Other" category, where both are allocated), open descriptors and threads. Immutable.
 */
public record MemorySample(long heapAfterGc, long direct, int fds, int threads) {

    /** {@code this - earlier}, per field. */
    public MemorySample minus(MemorySample earlier) {
        return new MemorySample(heapAfterGc - earlier.heapAfterGc, direct - earlier.direct, fds - earlier.fds,
                threads - earlier.threads);
    }

    public static String mib(long bytes) {
        return "%.1f MiB".formatted(bytes / 1048576.0);
    }

    @Override
    public String toString() {
        return "heap after GC %s, direct %s, %d fds, %d threads".formatted(mib(heapAfterGc), mib(direct), fds,
                threads);
    }
}
