package io.sluice.spawner.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a program file starts like something {@code execve} runs by itself: a {@code #!} line or an ELF header. */
final class ProgramFormat {
    private static final byte[] ELF = {0x7F, 'E', 'L', 'F'};

    private ProgramFormat() {
    }

    /**
     * True for {@code #!} and {@code \x7FELF}, and for a regular file Sluice may not read (an execute-only binary:
     * nothing to tell, and no shell could read it either); false for anything else, a directory included.
     */
    static boolean isScriptOrElf(Path program) {
        if (!Files.isRegularFile(program)) {
            return false; // a directory or device: bare, the kernel refuses it with its own errno
        }
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(program)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            return true;
        }
        if (n >= 2 && head[0] == '#' && head[1] == '!') {
            return true;
        }
        return n == 4 && head[0] == ELF[0] && head[1] == ELF[1] && head[2] == ELF[2] && head[3] == ELF[3];
    }
}
