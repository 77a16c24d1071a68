package io.sluice.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Records each {@link ReliabilityCase} test's result as {@code target/reliability/<id>.json}: its case, whether it
 * held, and what it {@link Observed} (an {@code Observed} parameter is injected). {@code ReliabilityReport} renders
 * docs/reliability.md from these files. The folder is emptied once per test JVM, so it holds only this run's results.
 * Thread-safe enough for JUnit's callbacks (one test at a time in integration-tests).
 */
public final class Evidence implements ParameterResolver, TestWatcher {
    /** Where the records go; the failsafe JVM runs in the module's folder. */
    public static final Path DIR = Path.of(System.getProperty("sluice.reliability.dir", "target/reliability"));
    private static final AtomicBoolean CLEARED = new AtomicBoolean();
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(Evidence.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Observed.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent("observed", k -> new Observed(), Observed.class);
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        write(context, "held", null);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        write(context, "failed", firstLine(cause));
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        write(context, "not run", firstLine(cause));
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        write(context, "disabled", reason.orElse("disabled"));
    }

    private static String firstLine(Throwable cause) {
        String text = String.valueOf(cause.getMessage()).strip();
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline).strip();
    }

    private static void write(ExtensionContext context, String status, String reason) {
        Optional<Method> method = context.getTestMethod();
        ReliabilityCase marked = method.map(m -> m.getAnnotation(ReliabilityCase.class)).orElse(null);
        if (marked == null) {
            return;
        }
        Observed observed = context.getStore(NAMESPACE).get("observed", Observed.class);
        if (observed == null) {
            observed = new Observed();
        }
        String id = observed.variant() == null ? marked.id() : marked.id() + "." + observed.variant();
        String title = observed.variantTitle() == null ? marked.title() : marked.title() + ": "
                + observed.variantTitle();
        String test = context.getRequiredTestClass().getSimpleName() + "#" + method.get().getName();
        try {
            clearOnce();
            Files.createDirectories(DIR);
            Files.writeString(DIR.resolve(id + ".json"), json(id, marked.family(), title, status, reason, test,
                    observed), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record reliability case " + id, e);
        }
    }

    private static void clearOnce() throws IOException {
        if (CLEARED.compareAndSet(false, true) && Files.isDirectory(DIR)) {
            try (Stream<Path> old = Files.list(DIR)) {
                for (Path file : old.filter(p -> p.toString().endsWith(".json")).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    static String json(String id, CaseFamily family, String title, String status, String reason, String test,
                       Observed observed) {
        StringBuilder s = new StringBuilder("{\n");
        field(s, "id", id).append(",\n");
        field(s, "family", family.name()).append(",\n");
        field(s, "title", title).append(",\n");
        field(s, "status", status).append(",\n");
        field(s, "reason", reason).append(",\n");
        field(s, "test", test).append(",\n");
        field(s, "outcome", String.join(" ", observed.outcome())).append(",\n");
        s.append("  \"bounds\": [");
        List<Observed.Bound> bounds = observed.bounds();
        for (int i = 0; i < bounds.size(); i++) {
            s.append(i == 0 ? "" : ", ").append("{\"option\": ").append(quote(bounds.get(i).option()))
                    .append(", \"limit\": ").append(quote(bounds.get(i).limit())).append('}');
        }
        s.append("],\n  \"measured\": [");
        List<Observed.Measured> measured = observed.measured();
        for (int i = 0; i < measured.size(); i++) {
            s.append(i == 0 ? "" : ", ").append("{\"name\": ").append(quote(measured.get(i).name()))
                    .append(", \"value\": ").append(quote(measured.get(i).value())).append('}');
        }
        return s.append("]\n}\n").toString();
    }

    private static StringBuilder field(StringBuilder s, String name, String value) {
        return s.append("  ").append(quote(name)).append(": ").append(value == null ? "null" : quote(value));
    }

    static String quote(String text) {
        StringBuilder s = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c < 0x20) {
                        s.append("\\u%04x".formatted((int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"').toString();
    }
}
