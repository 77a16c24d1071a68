package io.sluice.it.harness;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test as the evidence for one case of docs/reliability.md; {@link Evidence} records its outcome. A
 * parameterized test names each invocation's case with {@link Observed#variant}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface ReliabilityCase {
    /** Stable id, e.g. {@code fault.crash.client-frame}: the row's key in the document. */
    String id();

    CaseFamily family();

    /** The fault or abuse, in a few words. */
    String title();
}
