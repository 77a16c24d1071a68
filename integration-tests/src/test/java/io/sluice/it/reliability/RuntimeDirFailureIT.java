package io.sluice.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.RawWsClient;
import io.sluice.it.harness.CaseFamily;
import io.sluice.it.harness.Evidence;
import io.sluice.it.harness.Observed;
import io.sluice.it.harness.ReliabilityCase;
import io.sluice.it.harness.SluiceProcess;
import io.sluice.it.harness.SocketDir;
import io.sluice.it.harness.Workers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The runtime-dir turning read-only under a running Sluice (a remount, a full disk: the ledger write fails with an
 * I/O error either way). Permissions do not stop root, so Sluice runs as {@code nobody} (setpriv), in a folder that
 * user owns; the test then takes the write bit away. A worker restarted meanwhile still runs and serves, and one WARN
 * says the ledger could not record it; a worker whose socket belongs in that folder cannot listen: 503 and one WARN.
 * Nothing crashes, and once the folder is writable again, everything works and the stop is clean. A full disk needs
 * a mount a test cannot make; its failure is the same IOException on the same write.
 */
@ExtendWith(Evidence.class)
class RuntimeDirFailureIT {
    private static final int NOBODY = 65534;

    private final Workers workers = new Workers();
    private SocketDir dir;

    @BeforeEach
    void makeDir() throws Exception {
        dir = new SocketDir();
    }

    @AfterEach
    void cleanUp() throws Exception {
        workers.killAll();
        dir.close();
    }

    private static void ownedByNobody(Path path, String mode) throws IOException {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
        UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
        Files.getFileAttributeView(path, java.nio.file.attribute.PosixFileAttributeView.class)
                .setOwner(users.lookupPrincipalByName("nobody"));
        Files.getFileAttributeView(path, java.nio.file.attribute.PosixFileAttributeView.class)
                .setGroup(users.lookupPrincipalByGroupName("nogroup"));
    }

    @Test
    @ReliabilityCase(id = "fault.runtime-dir-read-only", family = CaseFamily.FAULT,
            title = "the runtime-dir turns read-only under a running Sluice (ledger writes and socket binds fail)")
    void aReadOnlyRuntimeDirCostsTheLedgerRecordAndNewSocketsButNothingCrashes(Observed observed) throws Exception {
        assumeThat(ProcessHandle.current().info().user().orElse("")).as("needs root to run Sluice as nobody")
                .isEqualTo("root");
        Path sandbox = Path.of(RuntimeDirFailureIT.class.getResource("/python/sandbox.py").toURI());
        Files.setPosixFilePermissions(dir.path(), PosixFilePermissions.fromString("rwx--x--x"));
        Path run = Files.createDirectory(dir.resolve("run"));
        Path sockets = Files.createDirectory(dir.resolve("sockets"));
        ownedByNobody(run, "rwx------");
        ownedByNobody(sockets, "rwx------");
        Path config = dir.resolve("sluice.yaml");
        Files.writeString(config, """
                server: { bind: 127.0.0.1, port: 0, runtime-dir: %s }
                wstunnel:
                  frame-type: binary
                  ping-interval: 0
                  server:
                    "/kept": [ { bin-path: %s, socket: %s, min-procs: 1, max-procs: 1 } ]
                    "/ondemand": [ { bin-path: %s, min-procs: 0, max-procs: 1 } ]
                """.formatted(run, workers.python(sandbox), sockets.resolve("kept.sock"), workers.python(sandbox)));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));

        try (SluiceProcess sluice = SluiceProcess.startAs(NOBODY, NOBODY, List.of(), "run", "-c",
                config.toString())) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", sluice.awaitListening());
            await().atMost(Duration.ofSeconds(20)).until(() -> workers.alive().size() == 1);
            long firstWorker = workers.pids().get(0);
            assertThat(greeting(address, "/kept")).contains("uid=" + NOBODY);

            Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("r-x------"));
            ProcessHandle.of(firstWorker).orElseThrow().destroyForcibly();
            await().atMost(Duration.ofSeconds(20)).until(() -> workers.pids().size() == 1
                    && !workers.pids().contains(firstWorker));
            assertThat(greeting(address, "/kept")).as("the restarted worker serves").contains("uid=" + NOBODY);
            await().atMost(Duration.ofSeconds(10)).until(() -> !lines(sluice, "cannot record pid").isEmpty());
            String ledgerLine = lines(sluice, "cannot record pid").get(0);
            assertThat(ledgerLine).contains("WARN").contains(run.resolve("sluice.pids").toString())
                    .contains("AccessDeniedException");

            RawWsClient.Response refused;
            try (RawWsClient client = new RawWsClient(address)) {
                refused = client.upgrade("/ondemand");
            }
            assertThat(refused.status()).isEqualTo(503);
            await().atMost(Duration.ofSeconds(10)).until(() -> !lines(sluice, "ondemand").stream()
                    .filter(l -> l.contains("WARN") && l.contains("Permission denied")).toList().isEmpty());
            assertThat(sluice.process().isAlive()).isTrue();

            Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwx------"));
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() ->
                    greeting(address, "/ondemand").contains("uid=" + NOBODY));
            sluice.terminate();
            assertThat(sluice.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(workers.alive()).isEmpty();
            assertThat(lines(sluice, "Exception in thread")).isEmpty();
            observed.outcome("with the runtime-dir read-only, a worker restarted meanwhile ran and served, and one"
                    + " WARN said its pid could not be recorded in sluice.pids (AccessDeniedException); a worker whose"
                    + " socket belongs in the folder could not listen: 503 and a WARN with EACCES; writable again, it"
                    + " started; SIGTERM stopped everything with status 0.");
        }
    }

    /** The sandbox's first line for a new session: its facts (pid, uid, ...). */
    private static String greeting(InetSocketAddress address, String path) throws IOException {
        try (RawWsClient client = new RawWsClient(address)) {
            assertThat(client.upgrade(path).status()).isEqualTo(101);
            return new String(client.readFrame().payload(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> lines(SluiceProcess sluice, String text) {
        List<String> all = new ArrayList<>(sluice.stdout());
        all.addAll(sluice.stderr());
        return all.stream().filter(l -> l.contains(text)).toList();
    }
}
