package io.sluice.spawner.process;

import io.sluice.spawner.posix.Signals;
import io.sluice.spawner.posix.WaitStatus;

/** How a child ended: it exited with a code, or a signal killed it. Never a magic int. Immutable. */
public sealed interface ExitStatus permits ExitStatus.Exited, ExitStatus.Killed {

    /** "exited with code 3", "killed by signal 9 (KILL)". */
    String describe();

    /** "exit 3", "killed by SIGSEGV": short enough for a WebSocket close reason. */
    String brief();

    /** True only for {@code Exited(0)}. */
    boolean isSuccess();

    /** Decodes a raw waitpid status of a terminated child. */
    static ExitStatus fromWaitStatus(int raw) {
        return WaitStatus.exited(raw) ? new Exited(WaitStatus.exitCode(raw)) : new Killed(WaitStatus.termSignal(raw));
    }

    record Exited(int code) implements ExitStatus {
        public Exited {
            if (code < 0 || code > 255) {
                throw new IllegalArgumentException("exit code must be 0..255, got " + code);
            }
        }

        @Override
        public String describe() {
            return "exited with code " + code;
        }

        @Override
        public String brief() {
            return "exit " + code;
        }

        @Override
        public boolean isSuccess() {
            return code == 0;
        }
    }

    record Killed(int signal) implements ExitStatus {
        public Killed {
            if (signal < 1 || signal > 127) {
                throw new IllegalArgumentException("signal must be 1..127, got " + signal);
            }
        }

        @Override
        public String describe() {
            return "killed by signal %d (%s)".formatted(signal, Signals.name(signal));
        }

        @Override
        public String brief() {
            String name = Signals.name(signal);
            return "killed by " + (name.equals(Integer.toString(signal)) ? "signal " + signal : "SIG" + name);
        }

        @Override
        public boolean isSuccess() {
            return false;
        }
    }
}
