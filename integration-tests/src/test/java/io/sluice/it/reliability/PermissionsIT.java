package io.sluice.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.RawWsClient;
import io.sluice.it.harness.CaseFamily;
import io.sluice.it.harness.Evidence;
import io.sluice.it.harness.Observed;
import io.sluice.it.harness.ReliabilityCase;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import io.sluice.it.harness.Workers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The mode of every file, folder and socket Sluice creates, while it runs: the runtime-dir 0700, its lock and ledger
 * 0600, worker sockets at {@code socket-mode} (0600 by default), a per-key working folder 0700,
 * and nothing else in the runtime-dir; nothing writable by group or others that the config did not ask for.
 * (A missing parent of the runtime-dir is made with the umask's mode, as {@code mkdir -p} does.)
 */
@ExtendWith(Evidence.class)
class PermissionsIT {
    private final Workers workers = new Workers();

    @Test
    @ReliabilityCase(id = "security.permissions", family = CaseFamily.SECURITY,
            title = "permissions of the runtime folder and of every file and socket Sluice creates")
    void everythingSluiceCreatesIsPrivateUnlessSocketModeSaysOtherwise(Observed observed) throws Exception {
        try (SocketDir dir = new SocketDir()) {
            Path sandbox = Path.of(PermissionsIT.class.getResource("/python/sandbox.py").toURI());
            Path run = dir.resolve("run/nested");
            Files.createDirectory(dir.resolve("homes")); // the folder that holds each key's own must exist
            try (RunningSluice sluice = RunningSluice.start(dir.path(), """
                    server: { bind: 127.0.0.1, port: 0, runtime-dir: %s }
                    wstunnel:
                      frame-type: binary
                      ping-interval: 0
                      server:
                        "/pool": [ { bin-path: %s, min-procs: 1, max-procs: 1 } ]
                        "/shared": [ { bin-path: %s, min-procs: 1, max-procs: 1, socket-mode: "0660" } ]
                        "/key/": [ { bin-path: %s, instances: per-key, key: query:user, allow-root: true,
                                     cwd: "%s", cwd-create: true } ]
                    """.formatted(run, workers.python(sandbox), workers.python(sandbox), workers.python(sandbox),
                    dir.resolve("homes/{key}")))) {
                await().atMost(Duration.ofSeconds(20)).until(() -> workers.alive().size() == 2);
                try (RawWsClient client = new RawWsClient(sluice.address())) {
                    assertThat(client.upgrade("/key/?user=ann").status()).isEqualTo(101);
                    assertThat(new String(client.readFrame().payload())).contains("cwd=" + dir.resolve("homes/ann"));
                }
                Map<String, String> modes = modes(dir.resolve("run"));
                modes.putAll(modes(dir.resolve("homes")));
                modes.remove("homes"); // the test's own

                // A missing parent of the runtime-dir is made as mkdir -p makes it (the umask decides); only the
                // runtime-dir itself must be private, and nothing on the way may be writable by others.
                assertThat(modes.get("run")).matches("d....-..-.");
                assertThat(modes).containsEntry("run/nested", "drwx------")
                        .containsEntry("run/nested/sluice.lock", "-rw-------")
                        .containsEntry("run/nested/sluice.pids", "-rw-------")
                        .containsEntry("run/nested/pool-0.sock-0", "srw-------")
                        .containsEntry("run/nested/shared-0.sock-0", "srw-rw----")
                        .containsEntry("homes/ann", "drwx------");
                List<String> perKey = modes.keySet().stream().filter(p -> p.startsWith("run/nested/key-0.sock-"))
                        .toList();
                assertThat(perKey).hasSize(1);
                assertThat(modes.get(perKey.get(0))).isEqualTo("srw-------");
                assertThat(modes).as("nothing else").hasSize(8);
                observed.outcome("runtime-dir 0700 (a parent made for it as mkdir -p makes it: not writable by group"
                        + " or others); sluice.lock and sluice.pids 0600; pool and per-key sockets 0600; a socket-mode"
                        + " \"0660\" host's socket 0660; a per-key working folder made by cwd-create 0700; nothing"
                        + " else in the runtime-dir.")
                        .measured("modes", String.join(", ", modes.entrySet().stream().map(e -> e.getValue() + " "
                                + e.getKey().replaceAll("-[0-9a-f]{16}$", "-<hash>")).toList()))
                        .bound("socket-mode", "the workers' socket files (0600 unless set)");
            } finally {
                workers.killAll();
            }
        }
    }

    /** Every path under {@code top} (itself included), relative to its parent's parent, with its ls-style mode. */
    private static Map<String, String> modes(Path top) throws IOException {
        Map<String, String> modes = new TreeMap<>();
        Path base = top.getParent();
        try (Stream<Path> all = Files.walk(top)) {
            for (Path p : all.toList()) {
                String type = Files.isSymbolicLink(p) ? "l" : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "d"
                        : Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? "-" : "s";
                modes.put(base.relativize(p).toString(), type + java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)));
            }
        }
        return modes;
    }
}
