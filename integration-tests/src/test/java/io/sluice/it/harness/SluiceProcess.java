package io.sluice.it.harness;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

/**
 * The real runnable jar ({@code tunnel/target/sluice.jar}) as its own process, as users run it. Keeps stdout and
 * stderr lines apart; {@link #awaitListening()} waits for the {@code listening on ws://HOST:PORT} line, which proves
 * the port is this server's. Netty runs in it with paranoid leak detection, as in the tests' own JVM, and
 * {@link #close()} fails the test when the process printed a {@code LEAK:} line.
 */
public final class SluiceProcess implements AutoCloseable {
    private static final java.util.regex.Pattern LISTENING =
            java.util.regex.Pattern.compile("listening on wss?://([^:\\s]+):(\\d+)");
    private static final String LEAK_DETECTION = "-Dio.netty.leakDetection.level=paranoid";
    private static final String LEAK_MARK = "LEAK:";

    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final List<Thread> pumps;

    /** Runs any command under this harness (its own tests use a stand-in that prints a leak report). */
    static SluiceProcess command(List<String> command) throws IOException {
        return new SluiceProcess(command);
    }

    private SluiceProcess(List<String> command) throws IOException {
        process = new ProcessBuilder(command).start();
        pumps = List.of(LinePump.start(process.getInputStream(), stdout, "sluice-stdout"),
                LinePump.start(process.getErrorStream(), stderr, "sluice-stderr"));
    }

    public static Path jar() {
        Path root = Path.of(System.getProperty("sluice.repo.root", ".."));
        Path jar = root.resolve("tunnel/target/sluice.jar").normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no runnable jar at " + jar + "; run the build from the repository root");
        }
        return jar;
    }

    /**
     * Starts {@code java [jvmOptions] -jar sluice.jar args...} on the test's own JDK, with paranoid Netty leak
     * detection unless {@code jvmOptions} set a level.
     */
    public static SluiceProcess start(List<String> jvmOptions, String... args) throws IOException {
        return new SluiceProcess(javaCommand(jvmOptions, args));
    }

    /**
     * As {@link #start}, with at most {@code maxFds} open file descriptors: {@code bash -c 'ulimit -S -n N && exec
     * java -XX:-MaxFDLimit …'}, so the pid is still Sluice's. Only the soft limit is lowered, and the JVM is told not
     * to raise it again; the workers it spawns inherit the low soft limit, but a JVM worker raises it to the hard
     * limit at its start, so only Sluice runs short.
     */
    public static SluiceProcess startWithFdLimit(int maxFds, List<String> jvmOptions, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("/bin/bash", "-c",
                "ulimit -S -n " + maxFds + " && exec \"$@\"", "sluice-fd-limit"));
        List<String> options = new ArrayList<>(jvmOptions);
        options.add("-XX:-MaxFDLimit");
        command.addAll(javaCommand(options, args));
        return new SluiceProcess(command);
    }

    /**
     * As {@link #start}, as another user (uid and gid, no supplementary groups) through util-linux {@code setpriv},
     * which executes Java in its own place, so the pid is still Sluice's. For the test JVM running as root: what a
     * folder's permissions deny root is never denied.
     */
    public static SluiceProcess startAs(int uid, int gid, List<String> jvmOptions, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + uid, "--regid=" + gid,
                "--clear-groups", "--"));
        command.addAll(javaCommand(jvmOptions, args));
        return new SluiceProcess(command);
    }

    /**
     * As {@link #start}, through {@code wrapper} (a program that prepares the process and then executes the rest of
     * its command line in its own place, so the pid is still Sluice's).
     */
    public static SluiceProcess startWrapped(List<String> wrapper, List<String> jvmOptions, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(javaCommand(jvmOptions, args));
        return new SluiceProcess(command);
    }

    private static List<String> javaCommand(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        if (jvmOptions.stream().noneMatch(o -> o.startsWith("-Dio.netty.leakDetection"))) {
            command.add(LEAK_DETECTION);
        }
        command.addAll(jvmOptions);
        if (Runtime.version().feature() >= 24) {
            command.add("--enable-native-access=ALL-UNNAMED");
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(List.of(args));
        return command;
    }

    /** Waits for the listening line and returns the port it names. */
    public int awaitListening() {
        await().atMost(Duration.ofSeconds(30)).until(() -> port() > 0 || !process.isAlive());
        if (port() <= 0) {
            throw new IllegalStateException("sluice exited before listening: " + stdout + stderr);
        }
        return port();
    }

    private int port() {
        for (String line : stdout) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(2));
            }
        }
        return -1;
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    public List<String> stdout() {
        return List.copyOf(stdout);
    }

    public List<String> stderr() {
        return List.copyOf(stderr);
    }

    /** Sends SIGTERM. */
    public void terminate() {
        process.destroy();
    }

    /** Waits (bounded) for the exit and returns its status. */
    public int awaitExit(Duration atMost) throws InterruptedException {
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("sluice did not exit within " + atMost);
        }
        // The pumps may still hold the last lines; give them a bounded moment to finish.
        await().atMost(Duration.ofSeconds(5)).until(() -> pumps.stream().noneMatch(Thread::isAlive));
        return process.exitValue();
    }

    /**
     * Kills the process if it still runs, then fails (AssertionError) when it printed a Netty leak report: a leak in
     * the real server is a bug even when the test's own assertions passed.
     */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        for (Thread pump : pumps) {
            pump.join(5_000); // bounded: the last lines, a leak report among them, may still be in the pipe
        }
        List<String> leaks = new ArrayList<>();
        stdout.stream().filter(l -> l.contains(LEAK_MARK)).forEach(leaks::add);
        stderr.stream().filter(l -> l.contains(LEAK_MARK)).forEach(leaks::add);
        if (!leaks.isEmpty()) {
            throw new AssertionError("sluice pid %d reported %d Netty leak(s):%n%s".formatted(process.pid(),
                    leaks.size(), String.join(System.lineSeparator(), leaks)));
        }
    }
}
