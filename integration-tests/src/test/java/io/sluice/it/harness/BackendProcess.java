package io.sluice.it.harness;

import static org.awaitility.Awaitility.await;

import io.sluice.it.fixture.TestBackend;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A {@link TestBackend} running in its own JVM, listening on a unix socket or a TCP port. Ready only once it printed
 * its {@code ready} line, which proves the listener is ours. Every stdout line is kept for assertions.
 */
public final class BackendProcess implements AutoCloseable {
    /** Every backend still running; a failed setup must not leave one behind when the test JVM ends. */
    private static final java.util.Set<Process> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "kill-test-backends"));
    }

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private BackendProcess(List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        this.process = builder.start();
        LIVE.add(process);
        LinePump.start(process.getInputStream(), lines, "backend-output-" + process.pid());
        await().atMost(Duration.ofSeconds(20)).until(() -> !process.isAlive() || firstLineStartingWith("ready") != null);
        if (!process.isAlive()) {
            throw new IOException("test backend exited at start: " + lines);
        }
    }

    public static BackendProcess unix(Path socket, String mode, String... argument) throws IOException {
        return start(List.of("--unix", socket.toString()), mode, argument);
    }

    /** Listens on 127.0.0.1 at a port the backend picks itself; see {@link #tcpPort()}. */
    public static BackendProcess tcp(String mode, String... argument) throws IOException {
        return start(List.of("--tcp", "0"), mode, argument);
    }

    private static BackendProcess start(List<String> listen, String mode, String... argument) throws IOException {
        List<String> command = new ArrayList<>(javaCommand());
        command.add(TestBackend.class.getName());
        command.addAll(listen);
        command.add("--mode");
        command.add(mode);
        if (argument.length > 0) {
            command.add("--arg");
            command.add(argument[0]);
        }
        return new BackendProcess(command);
    }

    /** The current JVM and classpath, so the fixture runs on the same JDK as the test. */
    public static List<String> javaCommand() {
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(java, "-Xmx64m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"));
    }

    /** The port of a TCP backend, from its {@code ready /127.0.0.1:PORT} line. */
    public int tcpPort() {
        String ready = firstLineStartingWith("ready");
        return Integer.parseInt(ready.substring(ready.lastIndexOf(':') + 1).trim());
    }

    public long pid() {
        return process.pid();
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The {@code eof} lines: one per connection the backend finished. */
    public List<String> eofLines() {
        return lines.stream().filter(l -> l.startsWith("eof ")).toList();
    }

    public String firstLineStartingWith(String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
    }

    /** SIGKILL, as a crash. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        LIVE.remove(process);
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("test backend " + process.pid() + " did not exit");
        }
    }
}
