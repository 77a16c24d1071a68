package io.sluice.it.harness;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import javax.management.ObjectName;

/**
 * Live instance counts of this JVM's heap after a full GC, from HotSpot's {@code GC.class_histogram} diagnostic
 * command (what {@code jcmd PID GC.class_histogram} prints), called through the platform MBean server.
 */
public final class HeapHistogram {
    private final Map<String, Long> instances;
    private final long totalBytes;

    private HeapHistogram(Map<String, Long> instances, long totalBytes) {
        this.instances = instances;
        this.totalBytes = totalBytes;
    }

    /** Runs a full GC and counts what is still reachable, per class. */
    public static HeapHistogram afterFullGc() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        return of(text);
    }

    /** A histogram from the text of {@code GC.class_histogram} (this JVM's, or another's read over JMX). */
    public static HeapHistogram of(String text) {
        return new HeapHistogram(parse(text), total(text));
    }

    /** The bytes of the {@code Total} line: every live object after the full GC. */
    static long total(String text) {
        for (String line : text.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length == 3 && fields[0].equals("Total")) {
                return Long.parseLong(fields[2]);
            }
        }
        return -1;
    }

    /** Live heap after the full GC, in bytes (-1 when the histogram had no total). */
    public long totalBytes() {
        return totalBytes;
    }

    /** Parses lines such as {@code   12:   345   6789  io.sluice.Foo (module@1)} into class name → instances. */
    static Map<String, Long> parse(String text) {
        Map<String, Long> counts = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 4 && fields[0].endsWith(":") && fields[1].chars().allMatch(Character::isDigit)) {
                counts.merge(fields[3], Long.parseLong(fields[1]), Long::sum);
            }
        }
        return counts;
    }

    public long count(String className) {
        return instances.getOrDefault(className, 0L);
    }

    /** The sum over every class whose name matches. */
    public long count(Predicate<String> className) {
        return instances.entrySet().stream().filter(e -> className.test(e.getKey()))
                .mapToLong(Map.Entry::getValue).sum();
    }
}
