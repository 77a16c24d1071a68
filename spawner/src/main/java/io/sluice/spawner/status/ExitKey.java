package io.sluice.spawner.status;

import java.util.Objects;

/**
 * How a run ended, in bounded terms fit for a metric label: the cause class, the signal's name ("" unless killed by
 * a signal) and which step of Sluice's stop ladder, if any, asked for it. Immutable.
 */
public record ExitKey(ExitCause cause, String signal, StopStep stop) {
    public ExitKey {
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(stop, "stop");
    }

    /** Why a run ended, by class. */
    public enum ExitCause {
        /** Exit code 0. */
        EXIT_0("exit-0"),
        /** Exit code 1..125: the program reported an error. */
        EXIT_1_125("exit-1-125"),
        /** Exit code 126 or 127: a shell could not run the program. */
        EXIT_126_127("exit-126-127"),
        /** Exit code 128..255: by convention a shell or runtime reporting a signal (143 = TERM). */
        EXIT_128_255("exit-128-255"),
        /** Killed by a signal ({@link ExitKey#signal()} names it). */
        SIGNAL("signal"),
        /** The process could not be started (listen or spawn failed). */
        START_FAILED("start-failed"),
        /** It ended, but its status could not be learnt. */
        UNKNOWN("unknown");

        private final String label;

        ExitCause(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** The class of an exit code 0..255. */
        public static ExitCause ofCode(int code) {
            if (code == 0) {
                return EXIT_0;
            }
            if (code <= 125) {
                return EXIT_1_125;
            }
            return code <= 127 ? EXIT_126_127 : EXIT_128_255;
        }
    }

    /** Whether Sluice asked the process to end, and how far its stop ladder had gone. */
    public enum StopStep {
        /** Sluice did not ask: a crash or an exit of the worker's own. */
        NONE("none"),
        /** Sluice asked (idle stop, restart, shutdown) and it ended before the ladder's SIGKILL. */
        KILL_SIGNAL("kill-signal"),
        /** Sluice asked and the ladder had to SIGKILL it. */
        SIGKILL("sigkill");

        private final String label;

        StopStep(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
