package io.sluice.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the system's Python 3 ({@code /usr/bin/python3}) on one of this module's scripts, as an independent checker
 * written elsewhere: its strict JSON parser, and (when Debian's {@code python3-prometheus-client} is installed, as
 * .ci/run does) the Prometheus client's own text-format parsers. Each run is bounded to 30 s.
 */
public final class Python {
    public static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final long TIMEOUT_SECONDS = 30;

    private Python() {
    }

    /**
     * Parses {@code json} strictly and returns every scalar by path ({@code routes[0].sessions.open} → {@code 1}),
     * values in JSON form (strings quoted, {@code null}); empty objects and arrays appear as {@code {}} and {@code []}.
     *
     * @throws AssertionError when the text is not valid JSON
     */
    public static Map<String, String> flattenJson(String json) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : run("flatten_json.py", List.of(), json).split("\n")) {
            if (!line.isEmpty()) {
                int eq = line.indexOf('=');
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return values;
    }

    /** Whether {@code module} imports in the system's Python. */
    public static boolean hasModule(String module) {
        if (!Files.isExecutable(PYTHON)) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import " + module).redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs a script of this module with {@code args}, {@code stdin} as input; its stdout, or an AssertionError. */
    public static String run(String script, List<String> args, String stdin) {
        Path file = extract(script);
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), file.toString()));
        command.addAll(args);
        try {
            Process p = new ProcessBuilder(command).start();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(script + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            String stdout = new String(out.join(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new AssertionError("%s rejected its input (exit %d):%n%s%ninput:%n%s".formatted(script,
                        p.exitValue(), new String(err.join(), StandardCharsets.UTF_8), stdin));
            }
            return stdout;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a temp file; nothing to do
            }
        }
    }

    private static Path extract(String script) {
        try (InputStream in = Python.class.getResourceAsStream(script)) {
            if (in == null) {
                throw new IllegalArgumentException("no script " + script);
            }
            Path file = Files.createTempFile("sluice-test-", ".py");
            Files.write(file, in.readAllBytes());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
