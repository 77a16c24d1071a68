package io.sluice.spawner.posix;

/**
 * Decodes a raw {@code waitpid} status by hand, since jnr has no {@code WIFEXITED} and friends. Only statuses of
 * terminated children reach it (no WUNTRACED/WCONTINUED is ever requested). Stateless.
 */
public final class WaitStatus {

    private WaitStatus() {
    }

    /** True when the child called exit; false when a signal killed it. */
    public static boolean exited(int raw) {
        return (raw & 0x7f) == 0;
    }

    /** The exit code; meaningful only when {@link #exited(int)}. */
    public static int exitCode(int raw) {
        return (raw >> 8) & 0xff;
    }

    /** The killing signal; meaningful only when not {@link #exited(int)}. */
    public static int termSignal(int raw) {
        return raw & 0x7f;
    }
}
