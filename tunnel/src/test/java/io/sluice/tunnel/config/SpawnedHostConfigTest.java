package io.sluice.tunnel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.BackendSpec;
import io.sluice.spawner.spec.LaunchSpec;
import io.sluice.spawner.spec.OutputLevels;
import io.sluice.spawner.spec.PoolLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hosts with {@code bin-path}: argv, program lookup, environment, cwd, defaults, generated sockets. */
class SpawnedHostConfigTest {
    private static final Map<String, String> SLUICE_ENV = Map.of(
            "PATH", "/usr/local/bin:/usr/bin", "HOME", "/home/sluice", "SECRET", "s3cret");
    private static final SystemFacts FACTS = new SystemFacts(SLUICE_ENV, 128);

    @TempDir
    Path dir;
    private Path script;

    @BeforeEach
    void createBackend() throws IOException {
        script = executable(dir.resolve("backends/echo.sh"));
    }

    private static Path executable(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    private SluiceConfig load(String yaml, SystemFacts facts) throws IOException, ConfigException {
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, "server:\n  runtime-dir: run\n" + yaml);
        return ConfigLoader.load(file, facts);
    }

    private BackendSpec host(String hostYaml) throws IOException, ConfigException {
        return load("wstunnel:\n  server:\n    \"/echo/\":\n      - " + hostYaml.strip().replace("\n", "\n        ")
                + "\n", FACTS).routes().get(0).backends().backends().get(0);
    }

    @Test
    void fillsEveryDefaultOfASpawnedHost() throws Exception {
        BackendSpec backend = host("bin-path: ./backends/echo.sh --fast");

        assertThat(backend.hasLaunch()).isTrue();
        assertThat(backend.address()).isEqualTo(new BackendAddress.UnixPath(dir.resolve("run/echo-0.sock")));
        assertThat(backend.name()).isEqualTo("echo-0");
        assertThat(backend.limits()).isEqualTo(new PoolLimits(1, 4, 1, Duration.ofSeconds(60)));
        LaunchSpec launch = backend.launch();
        assertThat(launch.binPath()).isEqualTo(script);
        assertThat(launch.argv()).containsExactly("./backends/echo.sh", "--fast");
        assertThat(launch.cwd()).as("lighttpd: the folder of the binary").isEqualTo(dir.resolve("backends"));
        assertThat(launch.killSignal()).isEqualTo(15);
        assertThat(launch.stopTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(launch.listenBacklog()).as("max(somaxconn 128, 1024)").isEqualTo(1024);
        assertThat(launch.socketMode()).isEqualTo(0600);
        assertThat(launch.output()).as("stdout INFO, stderr WARN").isEqualTo(OutputLevels.DEFAULT);
        assertThat(launch.environment()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "PATH", "/usr/local/bin:/usr/bin", "HOME", "/home/sluice", "SECRET", "s3cret",
                "PHP_FCGI_CHILDREN", "1"));
    }

    @Test
    void outputLevelIsOneLevelForBothStreamsOrAMappingThatKeepsTheOtherDefault() throws Exception {
        assertThat(host("bin-path: ./backends/echo.sh\noutput-level: DEBUG").launch().output())
                .isEqualTo(new OutputLevels(OutputLevels.Level.DEBUG, OutputLevels.Level.DEBUG));
        assertThat(host("bin-path: ./backends/echo.sh\noutput-level: {stdout: \"off\"}").launch().output())
                .isEqualTo(new OutputLevels(OutputLevels.Level.OFF, OutputLevels.Level.WARN));
        assertThat(host("bin-path: ./backends/echo.sh\noutput-level:\n  stderr: error").launch().output())
                .isEqualTo(new OutputLevels(OutputLevels.Level.INFO, OutputLevels.Level.ERROR));
    }

    @Test
    void defaultBacklogIsSomaxconnWhenThatIsLarger() throws Exception {
        SluiceConfig config = load("""
                wstunnel:
                  server:
                    "/echo/":
                      - bin-path: backends/echo.sh
                """, new SystemFacts(SLUICE_ENV, 4096));

        assertThat(config.routes().get(0).backends().backends().get(0).launch().listenBacklog()).isEqualTo(4096);
    }

    @Test
    void readsEverySpawnerOption() throws Exception {
        Files.createDirectory(dir.resolve("work"));
        BackendSpec backend = host("""
                socket: sockets/echo.sock
                bin-path: [./backends/echo.sh, --port, 8000, "two words"]
                bin-environment: { MODE: demo, COUNT: 3, HOME: /srv }
                bin-copy-environment: [PATH, HOME, NOT_SET]
                cwd: work
                min-procs: 0
                max-procs: 8
                max-load-per-proc: 3
                idle-timeout: 2m
                listen-backlog: 64
                kill-signal: SIGINT
                stop-timeout: 1500ms
                socket-mode: "0660"
                instances: pool
                accept-timeout: 30s
                """);

        assertThat(backend.address()).isEqualTo(new BackendAddress.UnixPath(dir.resolve("sockets/echo.sock")));
        assertThat(backend.address().forWorker(7))
                .isEqualTo(new BackendAddress.UnixPath(dir.resolve("sockets/echo.sock-7")));
        assertThat(backend.limits()).isEqualTo(new PoolLimits(0, 8, 3, Duration.ofMinutes(2), Duration.ofSeconds(30)));
        LaunchSpec launch = backend.launch();
        assertThat(launch.argv()).as("a list is the exact argv; scalars as written")
                .containsExactly("./backends/echo.sh", "--port", "8000", "two words");
        assertThat(launch.environment()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "PATH", "/usr/local/bin:/usr/bin", "HOME", "/srv", "MODE", "demo", "COUNT", "3",
                "PHP_FCGI_CHILDREN", "1"));
        assertThat(launch.cwd()).isEqualTo(dir.resolve("work"));
        assertThat(launch.killSignal()).isEqualTo(2);
        assertThat(launch.stopTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(launch.listenBacklog()).isEqualTo(64);
        assertThat(launch.socketMode()).isEqualTo(0660);
    }

    @Test
    void anEmptyCopyListCopiesNothingAndBinEnvironmentMayOverridePhpFcgiChildren() throws Exception {
        BackendSpec backend = host("""
                bin-path: /bin/sh
                bin-copy-environment: []
                bin-environment: { PHP_FCGI_CHILDREN: "4" }
                """);

        assertThat(backend.launch().environment()).containsExactly(Map.entry("PHP_FCGI_CHILDREN", "4"));
    }

    @Test
    void findsABareNameInTheChildsPathFromBinEnvironment() throws Exception {
        Path first = Files.createDirectories(dir.resolve("first"));
        Files.writeString(first.resolve("echo-backend"), "not executable");
        Path found = executable(dir.resolve("second/echo-backend"));
        executable(dir.resolve("third/echo-backend"));

        BackendSpec backend = host("""
                bin-path: echo-backend -v
                bin-environment: { PATH: "relative/dir::%s:%s:%s" }
                """.formatted(first, found.getParent(), dir.resolve("third")));

        assertThat(backend.launch().binPath()).as("first executable file in PATH order").isEqualTo(found);
        assertThat(backend.launch().argv()).as("argv[0] stays as written").containsExactly("echo-backend", "-v");
        assertThat(backend.launch().cwd()).isEqualTo(found.getParent());
    }

    @Test
    void findsABareNameInTheInheritedPath() throws Exception {
        Path found = executable(dir.resolve("bin/echo-backend"));
        SluiceConfig config = load("""
                wstunnel:
                  server:
                    "/echo/":
                      - bin-path: echo-backend
                """, new SystemFacts(Map.of("PATH", found.getParent().toString()), 128));

        assertThat(config.routes().get(0).backends().backends().get(0).launch().binPath()).isEqualTo(found);
    }

    @Test
    void looksUpABareNameOnlyInTheChildsPathNotSluices() throws Exception {
        executable(dir.resolve("bin/echo-backend"));
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, """
                wstunnel:
                  server:
                    "/echo/":
                      - bin-path: echo-backend
                        bin-environment: { PATH: /nonexistent }
                """);

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file,
                new SystemFacts(Map.of("PATH", dir.resolve("bin").toString()), 128)));

        assertThat(e.getMessage()).isEqualTo(file + ":4:19: wstunnel.server[\"/echo/\"][0].bin-path: 'echo-backend'"
                + " was not found in the child's PATH (/nonexistent); check that the file exists and is executable"
                + " by the sluice user");
    }

    @Test
    void namesGeneratedSocketsAfterTheRouteKeyAndHostIndexUniquely() throws Exception {
        SluiceConfig config = load("""
                wstunnel:
                  server:
                    "/echo/":
                      - bin-path: /bin/sh
                      - bin-path: /bin/sh
                    "/ws/chat room":
                      - bin-path: /bin/sh
                    ".cgi":
                      - bin-path: /bin/sh
                    "":
                      - bin-path: /bin/sh
                    "/a/b":
                      - bin-path: /bin/sh
                    "/a_b":
                      - bin-path: /bin/sh
                """, FACTS);

        assertThat(config.routes().stream().flatMap(r -> r.backends().backends().stream())
                .map(b -> dir.resolve("run").relativize(((BackendAddress.UnixPath) b.address()).path()).toString()))
                .containsExactly("echo-0.sock", "echo-1.sock", "ws_chat_room-0.sock", "cgi-0.sock", "root-0.sock",
                        "a_b-0.sock", "a_b-0.2.sock");
    }

    @Test
    void spawnsOnTcpPortsWhenHostAndPortAreGiven() throws Exception {
        BackendSpec backend = host("""
                port: 9100
                bin-path: /bin/sh
                max-procs: 3
                """);

        assertThat(backend.address()).isEqualTo(new BackendAddress.Tcp("127.0.0.1", 9100));
        assertThat(backend.address().forWorker(2)).isEqualTo(new BackendAddress.Tcp("127.0.0.1", 9102));
    }

    @Test
    void acceptsSignalNamesWithOrWithoutSigInAnyCaseAndNumbers() throws Exception {
        for (var entry : Map.of("HUP", 1, "SIGQUIT", 3, "kill", 9, "SigUsr1", 10, "USR2", 12, "9", 9, "64", 64)
                .entrySet()) {
            BackendSpec backend = host("bin-path: /bin/sh\nkill-signal: \"%s\"".formatted(entry.getKey()));
            assertThat(backend.launch().killSignal()).as(entry.getKey()).isEqualTo(entry.getValue());
        }
        assertThat(host("bin-path: /bin/sh\nkill-signal: 15").launch().killSignal()).isEqualTo(15);
    }

    @Test
    void readsThreeAndFourDigitSocketModes() throws Exception {
        assertThat(host("bin-path: /bin/sh\nsocket-mode: \"660\"").launch().socketMode()).isEqualTo(0660);
        assertThat(host("bin-path: /bin/sh\nsocket-mode: \"0640\"").launch().socketMode()).isEqualTo(0640);
    }

    @Test
    void resolvesAnAbsoluteBinPathAndUsesItsFolderAsCwd() throws Exception {
        BackendSpec backend = host("bin-path: \"'%s' -x\"".formatted(script));

        assertThat(backend.launch().binPath()).isEqualTo(script);
        assertThat(backend.launch().argv()).isEqualTo(List.of(script.toString(), "-x"));
        assertThat(backend.launch().cwd()).isEqualTo(script.getParent());
    }
}
