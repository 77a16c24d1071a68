package io.sluice.testsupport;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a leak ("LEAK: …") while it ran or at its end, after forcing the garbage
 * collector so that buffers it dropped unreleased are found. A leak is a bug even when every assertion passed; the
 * build runs Netty with {@code -Dio.netty.leakDetection.level=paranoid} so each one is traced.
 *
 * <p>Registered for every test class of a module by JUnit's extension autodetection: the module's
 * {@code junit-platform.properties} sets {@code junit.jupiter.extensions.autodetection.enabled = true}, and this
 * jar's {@code META-INF/services} names the class. A leak that surfaces while a class runs may have been caused by
 * an earlier one; the message lists the detector's records, which name the allocation and last touches.
 */
public final class NettyLeakExtension implements BeforeAllCallback, AfterAllCallback {
    private static final AtomicInteger CLASSES_WATCHED = new AtomicInteger();

    @Override
    public void beforeAll(ExtensionContext context) {
        NettyLeaks.install();
        CLASSES_WATCHED.incrementAndGet();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        assertNoLeaks(context.getDisplayName());
    }

    /**
     * Forces the collector, then fails when Netty reported any leak since the last check (which it forgets).
     *
     * @param where what ran since the last check, for the message
     */
    public static void assertNoLeaks(String where) {
        List<String> leaks = NettyLeaks.collect();
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported %d leak(s) during or at the end of %s:%n%s".formatted(
                    leaks.size(), where, String.join(System.lineSeparator(), leaks)));
        }
    }

    /** How many test classes this extension has started watching in this JVM (a test can prove it is registered). */
    public static int classesWatched() {
        return CLASSES_WATCHED.get();
    }
}
