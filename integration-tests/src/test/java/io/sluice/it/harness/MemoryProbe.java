package io.sluice.it.harness;

import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Samples this JVM, where an in-process Sluice ({@link RunningSluice}) runs: live heap after a full GC
 * ({@link HeapHistogram}), direct memory (Netty's counter of what it allocated without a cleaner, which its pooled
 * arenas use, plus the JDK's direct buffer pool), descriptors from /proc/self/fd, and live threads. The test's own
 * clients count too, so a bound that holds here holds for Sluice alone.
 */
public final class MemoryProbe {
    private MemoryProbe() {
    }

    public static MemorySample sample() throws Exception {
        long heap = HeapHistogram.afterFullGc().totalBytes();
        long direct = Math.max(0, PlatformDependent.usedDirectMemory());
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                direct += pool.getMemoryUsed();
            }
        }
        return new MemorySample(heap, direct, fds(Path.of("/proc/self/fd")),
                ManagementFactory.getThreadMXBean().getThreadCount());
    }

    /** Entries of a /proc/PID/fd folder (0 when it is gone). */
    public static int fds(Path fdFolder) throws IOException {
        try (Stream<Path> fds = Files.list(fdFolder)) {
            return (int) fds.count();
        } catch (java.nio.file.NoSuchFileException e) {
            return 0;
        }
    }
}
