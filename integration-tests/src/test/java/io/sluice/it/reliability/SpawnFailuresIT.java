package io.sluice.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.RawWsClient;
import io.sluice.it.harness.CapturedLog;
import io.sluice.it.harness.CaseFamily;
import io.sluice.it.harness.Evidence;
import io.sluice.it.harness.Observed;
import io.sluice.it.harness.ReliabilityCase;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A worker program that cannot be spawned. The config check refuses a bin-path that is missing or not executable, so
 * each case breaks the program after the start (a deploy that replaced it), on a route that spawns on the first
 * connection: that connection gets 503 at once, and the log one WARN line naming the program, the errno and what to
 * check.
 */
@ExtendWith(Evidence.class)
class SpawnFailuresIT {
    private SocketDir dir;
    private Path program;

    @BeforeEach
    void makeProgram() throws IOException {
        dir = new SocketDir();
        program = dir.resolve("worker");
        Files.writeString(program, "#!/bin/sh\nexec sleep 60\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void cleanUp() throws IOException {
        dir.close();
    }

    private void breakProgram(String how) throws IOException {
        switch (how) {
            case "delete" -> Files.delete(program);
            case "chmod" -> Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rw-r--r--"));
            case "garbage" -> Files.write(program, new byte[] {0x00, 0x13, 0x37, 'M', 'Z', 0x0a, 0x7f});
            case "no-shebang" -> Files.writeString(program, "echo this is a shell script without its #! line\n");
            case "directory" -> {
                Files.delete(program);
                Files.createDirectory(program);
            }
            default -> throw new IllegalArgumentException(how);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "enoent     | delete     | ENOENT  | check bin-path (and, for a script, its #! interpreter)",
        "eacces     | chmod      | EACCES  | check that the file is executable by the sluice user",
        "enoexec    | garbage    | ENOEXEC | the file is not an executable this system can run; a script needs a #! line",
        "no-shebang | no-shebang | ENOEXEC | the file is not an executable this system can run; a script needs a #! line",
        "directory  | directory  | EACCES  | check that the file is executable by the sluice user",
    })
    @ReliabilityCase(id = "fault.spawn-failure", family = CaseFamily.FAULT, title = "a worker that cannot be spawned")
    void aProgramThatCannotBeSpawnedGets503AtOnceAndOneClearLogLine(String variant, String how, String errno,
                                                                   String hint, Observed observed) throws Exception {
        observed.variant(variant, switch (how) {
            case "delete" -> "the program was deleted";
            case "chmod" -> "the program lost its execute bits";
            case "garbage" -> "the program is neither ELF nor a script";
            case "no-shebang" -> "a shell script without #!";
            default -> "the program is a directory";
        });
        try (CapturedLog log = new CapturedLog();
             RunningSluice sluice = RunningSluice.start(dir.path(), """
                     server: { bind: 127.0.0.1, port: 0, runtime-dir: %s }
                     wstunnel:
                       server:
                         "/w": [ { bin-path: %s, min-procs: 0, max-procs: 1 } ]
                     """.formatted(dir.resolve("run"), program))) {
            breakProgram(how);
            long started = System.nanoTime();
            RawWsClient.Response response;
            try (RawWsClient client = new RawWsClient(sluice.address())) {
                response = client.upgrade("/w");
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(response.status()).isEqualTo(503);
            assertThat(response.body()).startsWith("no backend of route '/w' is available: the worker cannot be"
                    + " started").doesNotContain(program.toString());
            assertThat(took).isLessThan(Duration.ofSeconds(5));
            String expected = "cannot start " + program + ": posix_spawn " + program + ": " + errno;
            await().atMost(Duration.ofSeconds(5)).until(() -> !log.containing(expected).isEmpty());
            List<String> lines = log.containing(expected);
            assertThat(lines.get(0)).startsWith("WARN ").contains("route '/w'").endsWith(
                    hint + "; retrying in " + lines.get(0).substring(lines.get(0).lastIndexOf("retrying in ") + 12));
            assertThat(log.containing("Exception")).as("no stack trace").isEmpty();
            observed.outcome("503 at once (\"no backend of route '/w' is available: the worker cannot be started\","
                    + " no path in it) and one WARN naming route, worker, program and " + errno + ": \"" + hint
                    + "\".")
                    .measured("503 after", took.toMillis() + " ms");
        }
    }
}
