package io.sluice.spawner.posix;

import jnr.constants.platform.Signal;

/** Linux signal numbers the spawner uses and their short names ("TERM"). Stateless. */
public final class Signals {
    public static final int HUP = 1;
    public static final int INT = 2;
    public static final int QUIT = 3;
    public static final int KILL = 9;
    public static final int TERM = 15;

    private Signals() {
    }

    /** The name without "SIG", for example {@code KILL} for 9; the number itself when unknown. */
    public static String name(int signal) {
        Signal s = Signal.valueOf(signal);
        if (s == Signal.__UNKNOWN_CONSTANT__) {
            return Integer.toString(signal);
        }
        return s.name().startsWith("SIG") ? s.name().substring(3) : s.name();
    }
}
