package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.it.harness.LinePump;
import io.sluice.it.harness.SocketDir;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The example backends of {@code docs/writing-backends.md} work as documented: each is started the way Sluice starts
 * a worker (a listening unix socket as fd 0, here via a small python3 wrapper, since ProcessBuilder cannot pass one)
 * and answers over a real connection.
 */
class ExampleBackendsIT {
    private static final Path BACKENDS = Path.of(System.getProperty("sluice.repo.root", ".."))
            .resolve("docs/examples/backends").toAbsolutePath().normalize();
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    /** Binds argv[1], listens, makes it fd 0 and execs the rest: what the spawner does with posix_spawn. */
    private static final String FD0_WRAPPER = "import socket,os,sys\n"
            + "s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(64)\n"
            + "os.dup2(s.fileno(), 0); s.close()\n"
            + "os.execvp(sys.argv[2], sys.argv[2:])\n";

    private SocketDir dir;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void needsPython() throws IOException {
        assumeTrue(onPath("python3"), "python3 is needed to hand a listening socket over as fd 0; skipped");
        dir = new SocketDir();
    }

    @AfterEach
    void stopBackends() throws Exception {
        for (Process p : started) {
            p.destroyForcibly();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("backend %d exited", p.pid()).isTrue();
        }
        if (dir != null) {
            dir.close();
        }
    }

    @Test
    void javaEchoBackendEchoesBytesExactlyAndAnnouncesItself() throws Exception {
        Fd0Backend echo = start(JAVA, "-Xmx32m", "-XX:TieredStopAtLevel=1", "EchoBackend.java");
        byte[] data = Payloads.binary(200_000, 11);
        assertThat(echo.roundTrip(data)).isEqualTo(data);
        echo.awaitLine("echo backend ready, pid " + echo.process.pid());
    }

    @Test
    void javaUpperBackendAnswersEachLineUpperCased() throws Exception {
        Fd0Backend upper = start(JAVA, "-Xmx32m", "-XX:TieredStopAtLevel=1", "UpperBackend.java");
        byte[] reply = upper.roundTrip("hello sluice\ngrüße\n".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(reply, StandardCharsets.UTF_8)).isEqualTo("HELLO SLUICE\nGRÜSSE\n");
        upper.awaitLine("upper backend ready, pid " + upper.process.pid());
    }

    @Test
    void pythonEchoEchoesBytesExactly() throws Exception {
        Fd0Backend echo = start(BACKENDS.resolve("echo.py").toString());
        byte[] data = Payloads.binary(200_000, 12);
        assertThat(echo.roundTrip(data)).isEqualTo(data);
    }

    @Test
    void cEchoCompiledWithGccEchoesBytesExactly() throws Exception {
        assumeTrue(onPath("gcc"), "gcc is not installed; the C example is not compiled; skipped");
        Path binary = dir.resolve("echo");
        Process gcc = new ProcessBuilder("gcc", "-O2", "-pthread", "-Wall", "-Wextra", "-Werror", "-o",
                binary.toString(), BACKENDS.resolve("echo.c").toString()).redirectErrorStream(true).start();
        String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(gcc.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(gcc.exitValue()).as("gcc: %s", output).isZero();

        Fd0Backend echo = start(binary.toString());
        byte[] data = Payloads.binary(200_000, 13);
        assertThat(echo.roundTrip(data)).isEqualTo(data);
        echo.awaitLine("echo backend (C) ready, pid " + echo.process.pid());
    }

    private Fd0Backend start(String... argv) throws IOException {
        Path socket = dir.resolve("b" + started.size() + ".sock");
        List<String> command = new ArrayList<>(List.of("python3", "-c", FD0_WRAPPER, socket.toString()));
        command.addAll(List.of(argv));
        Process process = new ProcessBuilder(command).directory(BACKENDS.toFile()).redirectErrorStream(true).start();
        started.add(process);
        return new Fd0Backend(process, socket);
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String entry : path.split(":")) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, program))) {
                return true;
            }
        }
        return false;
    }

    /** One started backend: its process, its socket and its output lines. */
    private static final class Fd0Backend {
        private final Process process;
        private final Path socket;
        private final List<String> lines = new CopyOnWriteArrayList<>();

        Fd0Backend(Process process, Path socket) {
            this.process = process;
            this.socket = socket;
            LinePump.start(process.getInputStream(), lines, "example-backend-" + process.pid());
        }

        /** Connects (once the socket exists), sends everything, half-closes, and returns all bytes up to EOF. */
        byte[] roundTrip(byte[] data) throws Exception {
            try (SocketChannel channel = connect()) {
                // Written on another thread: an echo answers while we still send, so reading must not wait.
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                    try {
                        ByteBuffer out = ByteBuffer.wrap(data);
                        while (out.hasRemaining()) {
                            channel.write(out);
                        }
                        channel.shutdownOutput();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                ByteArrayOutputStream received = new ByteArrayOutputStream();
                ByteBuffer in = ByteBuffer.allocate(65536);
                while (channel.read(in.clear()) >= 0) {
                    received.write(in.array(), 0, in.position());
                }
                writer.get(30, TimeUnit.SECONDS);
                return received.toByteArray();
            }
        }

        /** Connects once the wrapper listens (before that the path is missing or refuses); a failed connect closes
         *  its channel, so every try opens a new one. */
        private SocketChannel connect() {
            AtomicReference<SocketChannel> connected = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive() || tryConnect(connected));
            assertThat(connected.get()).as("backend listening; output: %s", lines).isNotNull();
            return connected.get();
        }

        private boolean tryConnect(AtomicReference<SocketChannel> connected) throws IOException {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
                connected.set(channel);
                return true;
            } catch (IOException e) {
                channel.close();
                return false;
            }
        }

        void awaitLine(String line) {
            await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains(line));
        }
    }
}
