package io.sluice.it.reliability.soak;

/**
 * One sample of the Sluice process under soak: seconds since the load began, live heap after a full GC, direct
 * memory (native memory tracking's "Other": Netty's pooled arenas and NIO direct buffers), open descriptors, threads,
 * live child processes, and live {@code TunnelSession}s on the heap.
 */
record SoakSample(double seconds, long heap, long direct, long fds, long threads, long children, long sessions) {

    /** The metrics by name, in the report's order. */
    static final String[] NAMES = {"heap after GC", "direct memory", "open fds", "threads", "child processes",
            "sessions"};

    long metric(int index) {
        return switch (index) {
            case 0 -> heap;
            case 1 -> direct;
            case 2 -> fds;
            case 3 -> threads;
            case 4 -> children;
            default -> sessions;
        };
    }
}
