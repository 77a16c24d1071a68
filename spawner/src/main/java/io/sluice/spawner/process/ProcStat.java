package io.sluice.spawner.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The two fields of {@code /proc/PID/stat} that tell whether a process has begun to exit: its state letter (field 3)
 * and its kernel flags (field 9). Immutable.
 *
 * <p>Why the flags: the kernel sets {@code PF_EXITING} at the start of {@code do_exit}, before it closes the
 * process's files. So when a dying worker's socket shows EOF to the tunnel, the worker already reads as exiting here,
 * even though the reaper has not seen its status yet; a worker that merely closed one connection does not.
 */
record ProcStat(char state, long flags) {

    /** {@code PF_EXITING} from include/linux/sched.h. */
    static final long PF_EXITING = 0x4;

    /** Zombie (exited, not reaped yet) or dead; or any state with {@code PF_EXITING} set. */
    boolean exiting() {
        return state == 'Z' || state == 'X' || state == 'x' || (flags & PF_EXITING) != 0;
    }

    /** One read of {@code /proc/PID/stat}; empty when no such process is left. */
    static Optional<ProcStat> read(int pid) throws IOException {
        try {
            return Optional.of(parse(Files.readString(Path.of("/proc", Integer.toString(pid), "stat"))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Parses a stat line; the command name (field 2) may hold spaces and parentheses, so fields count from its end. */
    static ProcStat parse(String line) {
        int end = line.lastIndexOf(')');
        if (end < 0 || end + 2 >= line.length()) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + line);
        }
        String[] fields = line.substring(end + 2).trim().split(" ");
        if (fields.length < 7) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + line);
        }
        // fields[0] is field 3 (state), fields[6] is field 9 (flags, an unsigned int).
        return new ProcStat(fields[0].charAt(0), Long.parseLong(fields[6]));
    }
}
