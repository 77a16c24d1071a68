package io.sluice.tunnel.property;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Checks a property over seeded random inputs: try {@code i} draws its input from a {@link Gen} seeded with
 * {@code base + i}. A failure names that seed, the command that reruns exactly that input, and the input itself, so
 * that it can become a plain regression test. The base seed is fixed, so every run tries the same inputs;
 * {@code -Dsluice.prop.seed=N} (or {@code =random}) explores others and {@code -Dsluice.prop.tries=N} runs N tries
 * of every property instead of its own count.
 */
public final class Property {
    /** The base seed when none is given. */
    public static final long DEFAULT_SEED = 6455;
    static final String SEED_PROPERTY = "sluice.prop.seed";
    static final String TRIES_PROPERTY = "sluice.prop.tries";

    private Property() {
    }

    /** Runs {@code property} on {@code tries} inputs made by {@code generator}, stopping at the first failure. */
    public static <T> void forAll(int tries, Function<Gen, T> generator, Consumer<? super T> property) {
        StackWalker.StackFrame test = StackWalker.getInstance().walk(s -> s.skip(1).findFirst()).orElseThrow();
        long base = baseSeed();
        int count = Integer.getInteger(TRIES_PROPERTY, tries);
        for (int i = 0; i < count; i++) {
            long seed = base + i;
            T input = null;
            try {
                input = generator.apply(new Gen(seed));
                property.accept(input);
            } catch (Throwable failure) {
                throw new AssertionError(message(test, i, count, base, seed, input, failure), failure);
            }
        }
    }

    private static long baseSeed() {
        String given = System.getProperty(SEED_PROPERTY, "").trim();
        if (given.isEmpty()) {
            return DEFAULT_SEED;
        }
        return given.equals("random") ? System.nanoTime() : Long.parseLong(given);
    }

    private static String message(StackWalker.StackFrame test, int i, int count, long base, long seed, Object input,
            Throwable failure) {
        String className = test.getClassName().substring(test.getClassName().lastIndexOf('.') + 1);
        return """
                property failed on try %d of %d: seed %d (base seed %d)
                rerun this input: ./mvnw -q -o -pl tunnel -am test -Dsurefire.failIfNoSpecifiedTests=false \
                -Dtest='%s#%s' -D%s=%d -D%s=1
                input: %s
                failure: %s""".formatted(i + 1, count, seed, base, className, test.getMethodName(), SEED_PROPERTY,
                seed, TRIES_PROPERTY, input == null ? "(not made: the generator failed)" : Describe.of(input),
                failure);
    }
}
