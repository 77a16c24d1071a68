package io.sluice.it.harness;

import com.sun.tools.attach.VirtualMachine;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Samples another JVM of the same user (a Sluice started by {@link SluiceProcess}) over JMX, attached with the JDK's
 * attach API (its local management agent, no port): live heap after a full GC and instance counts
 * ({@code GC.class_histogram}), direct memory as native memory tracking's "Other" category (where
 * {@code Unsafe.allocateMemory}, which Netty's pooled direct arenas and NIO direct buffers use, is accounted; start the
 * JVM with {@link #NMT}), threads, and descriptors from /proc/PID/fd. Not thread-safe.
 */
public final class JvmProbe implements AutoCloseable {
    /** The JVM option that makes {@link #sample()} report direct memory. */
    public static final String NMT = "-XX:NativeMemoryTracking=summary";

    private static final String[] STRINGS = {String[].class.getName()};
    private static final Pattern OTHER = Pattern.compile("Other \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");

    private final long pid;
    private final JMXConnector connector;
    private final MBeanServerConnection mbeans;
    private final ObjectName diagnostics;

    private JvmProbe(long pid, JMXConnector connector) throws Exception {
        this.pid = pid;
        this.connector = connector;
        this.mbeans = connector.getMBeanServerConnection();
        this.diagnostics = new ObjectName("com.sun.management:type=DiagnosticCommand");
    }

    public static JvmProbe attach(long pid) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        try {
            String url = vm.startLocalManagementAgent();
            return new JvmProbe(pid, JMXConnectorFactory.connect(new JMXServiceURL(url)));
        } finally {
            vm.detach();
        }
    }

    /** A full GC, then what is live. */
    public HeapHistogram histogram() throws Exception {
        return HeapHistogram.of((String) mbeans.invoke(diagnostics, "gcClassHistogram",
                new Object[] {new String[0]}, STRINGS));
    }

    /** Committed "Other" native memory in bytes, or -1 when native memory tracking is off. */
    public long directBytes() throws Exception {
        String summary = (String) mbeans.invoke(diagnostics, "vmNativeMemory", new Object[] {new String[] {"summary"}},
                STRINGS);
        Matcher m = OTHER.matcher(summary);
        return m.find() ? Long.parseLong(m.group(2)) * 1024 : -1;
    }

    public int threads() throws Exception {
        return (Integer) mbeans.getAttribute(new ObjectName("java.lang:type=Threading"), "ThreadCount");
    }

    public int fds() throws Exception {
        return MemoryProbe.fds(Path.of("/proc", Long.toString(pid), "fd"));
    }

    /** Heap after a full GC, direct memory, descriptors and threads. */
    public MemorySample sample() throws Exception {
        return new MemorySample(histogram().totalBytes(), directBytes(), fds(), threads());
    }

    /** Closes the connection; a JVM that is gone already is no error. */
    @Override
    public void close() {
        try {
            connector.close();
        } catch (java.io.IOException e) {
            // the other JVM exited first: nothing left to close
        }
    }
}
