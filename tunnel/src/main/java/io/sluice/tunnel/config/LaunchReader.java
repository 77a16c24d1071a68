package io.sluice.tunnel.config;

import io.sluice.spawner.spec.Confinement;
import io.sluice.spawner.spec.InvalidOptionException;
import io.sluice.spawner.spec.LaunchSpec;
import io.sluice.spawner.spec.OutputLevels;
import io.sluice.spawner.spec.PerConnectionSpec;
import io.sluice.spawner.spec.PoolLimits;
import io.sluice.tunnel.config.Problems.Spot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads the spawner options of a host ({@code bin-path} and the options that only make sense with it) into its
 * {@link PoolLimits} and {@link LaunchSpec}: argv, the program found on disk, environment, cwd, stop ladder. Confined
 * to the loading thread.
 */
final class LaunchReader {
    static final int DEFAULT_MIN_PROCS = 1;
    static final int DEFAULT_MAX_PROCS = 4;
    static final int DEFAULT_MAX_LOAD_PER_PROC = 1;
    static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(5);
    static final int DEFAULT_SOCKET_MODE = 0600;
    static final String POOL = "pool";
    static final String PER_KEY = "per-key";
    static final String PER_CONNECTION = "per-connection";

    /** The options valid only on a host with {@code bin-path}, in documentation order. */
    static final List<String> SPAWN_ONLY = List.of("bin-environment", "bin-copy-environment", "cwd", "min-procs",
            "max-procs", "max-load-per-proc", "idle-timeout", "listen-backlog", "kill-signal", "stop-timeout",
            "socket-mode", "instances", "accept-timeout", "user", "group", "allow-root", "rlimits", "output-level",
            "pty", "pass-credentials");

    private static final Pattern OCTAL_MODE = Pattern.compile("[0-7]{3,4}");
    private static final Pattern VARIABLE_NAME = Pattern.compile("[^=\\x00]+");

    /**
     * A spawned host's limits and launch recipe, and for {@code instances: per-key} or {@code per-connection} the
     * settings of that kind (null otherwise).
     */
    record Launch(PoolLimits limits, LaunchSpec spec, PerKeyReader.PerKey perKey,
                  PerConnectionReader.PerConnection perConnection) {
    }

    private final Path baseDir;
    private final SystemFacts facts;
    private final Problems problems;

    LaunchReader(Path baseDir, SystemFacts facts, Problems problems) {
        this.baseDir = baseDir;
        this.facts = facts;
        this.problems = problems;
    }

    /** On a host without {@code bin-path}: reports every spawner-only option that is set. */
    void rejectWithoutBinPath(Fields f) {
        for (String key : SPAWN_ONLY) {
            if (f.has(key)) {
                problems.add(f.keyNode(key), f.pathOf(key), ("%s is only valid with bin-path (a host without"
                        + " bin-path is an existing server that Sluice does not start)").formatted(key));
            }
        }
    }

    /**
     * How many workers the host may run, for address checks even when other options have problems: max-procs when
     * it is a plain positive integer, else the default. Reports nothing.
     */
    static int workers(Fields f) {
        Node node = f.value("max-procs");
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.INT) && s.getValue().matches("[1-9]\\d{0,4}")) {
            return Integer.parseInt(s.getValue());
        }
        return DEFAULT_MAX_PROCS;
    }

    /** The launch of a host with {@code bin-path} of route {@code routeKey}, or null after reporting problems. */
    Launch read(Fields f, String routeKey) {
        int before = problems.count();
        Spot argv0Spot = f.value("bin-path") instanceof SequenceNode seq && !seq.getValue().isEmpty()
                ? new Spot(f.pathOf("bin-path") + "[0]", seq.getValue().get(0))
                : new Spot(f.pathOf("bin-path"), f.value("bin-path"));
        List<String> argv = argv(f);
        int beforeEnvironment = problems.count();
        List<String> copy = f.has("bin-copy-environment") ? copyNames(f) : null;
        Map<String, String> overrides = f.has("bin-environment") ? overrides(f) : Map.of();
        boolean environmentOk = problems.count() == beforeEnvironment;
        Map<String, String> environment = ChildEnvironment.of(facts.environment(), copy,
                overrides == null ? Map.of() : overrides);
        // A bare name is looked up in the child's PATH, which is only known when the environment options are fine.
        Path binPath = argv != null && (environmentOk || argv.get(0).indexOf('/') >= 0)
                ? program(argv.get(0), argv0Spot, environment.get("PATH")) : null;
        String kind = f.has("instances") ? instances(f) : POOL;
        boolean perKey = PER_KEY.equals(kind);
        boolean perConnection = PER_CONNECTION.equals(kind);
        // A per-key template is read once: when it fails, the same cwd must not be reported again as a plain one.
        boolean cwdTemplated = perKey && f.has("cwd") && WorkerFolders.isTemplate(f);
        String cwdTemplate = cwdTemplated ? WorkerFolders.template(f, baseDir, problems) : null;
        Path cwd = f.has("cwd") && !cwdTemplated ? WorkerFolders.cwd(f, baseDir, problems)
                : binPath == null ? null : binPath.getParent();
        int minProcs = perKey || perConnection ? 0 : integer(f, "min-procs", DEFAULT_MIN_PROCS);
        int maxProcs = integer(f, "max-procs",
                perConnection ? PerConnectionSpec.DEFAULT_MAX_PROCS : DEFAULT_MAX_PROCS);
        int maxLoad = integer(f, "max-load-per-proc", DEFAULT_MAX_LOAD_PER_PROC);
        int backlog = integer(f, "listen-backlog", facts.defaultListenBacklog());
        Duration idle = duration(f, "idle-timeout", DEFAULT_IDLE_TIMEOUT);
        Duration stop = duration(f, "stop-timeout", DEFAULT_STOP_TIMEOUT);
        Duration accept = duration(f, "accept-timeout", PoolLimits.DEFAULT_ACCEPT_TIMEOUT);
        int signal = f.has("kill-signal") ? killSignal(f) : KillSignals.TERM;
        int mode = f.has("socket-mode") ? socketMode(f) : DEFAULT_SOCKET_MODE;
        Confinement confinement = ConfinementReader.read(f, problems);
        OutputLevels output = OutputLevelReader.read(f, problems);
        PerKeyReader.PerKey keyed = null;
        if (perKey) {
            keyed = PerKeyReader.read(f, routeKey, cwdTemplate, argv, overrides, problems);
        } else {
            PerKeyReader.rejectUnlessPerKey(f, problems);
        }
        PerConnectionReader.PerConnection connected = null;
        if (perConnection) {
            connected = PerConnectionReader.read(f, problems);
        } else {
            PerConnectionReader.rejectUnlessPerConnection(f, problems);
        }
        PoolLimits limits = record(f, () -> new PoolLimits(minProcs, maxProcs, maxLoad, idle, accept));
        // Built whenever it can be, so its own rules are reported along with the problems above.
        LaunchSpec spec = argv == null || binPath == null || cwd == null || confinement == null || output == null
                ? null : record(f, () -> new LaunchSpec(binPath, argv, environment, cwd, signal, stop, backlog, mode,
                        confinement, output));
        return limits == null || spec == null || (perKey && keyed == null) || (perConnection && connected == null)
                || problems.count() != before ? null : new Launch(limits, spec, keyed, connected);
    }

    private Path program(String argv0, Spot spot, String childPath) {
        try {
            return ProgramPath.resolve(argv0, baseDir, childPath);
        } catch (IllegalArgumentException e) {
            problems.add(spot, e.getMessage(), null, null);
            return null;
        }
    }

    private List<String> argv(Fields f) {
        Node node = f.value("bin-path");
        String path = f.pathOf("bin-path");
        List<String> argv;
        if (node instanceof SequenceNode seq) {
            argv = new ArrayList<>();
            for (int i = 0; i < seq.getValue().size(); i++) {
                argv.add(Values.scalarText(seq.getValue().get(i), path + "[" + i + "]", problems));
            }
            if (argv.contains(null)) {
                return null;
            }
        } else if (Values.isString(node)) {
            try {
                argv = ShellWords.split(((ScalarNode) node).getValue());
            } catch (IllegalArgumentException e) {
                problems.add(node, path, e.getMessage());
                return null;
            }
        } else {
            problems.add(node, path, "expected a command line (a string, split with shell-like quoting) or a list"
                    + " (the exact argv), got " + Values.describe(node));
            return null;
        }
        if (argv.isEmpty()) {
            problems.add(node, path, "must name a program", "a command line such as ./backend --fast, or a list"
                    + " such as [./backend, --fast]", null);
            return null;
        }
        if (argv.stream().anyMatch(arg -> arg.indexOf('\0') >= 0)) {
            problems.add(node, path, "an argument contains a NUL character, which no program can receive");
            return null;
        }
        return argv;
    }

    private List<String> copyNames(Fields f) {
        List<String> names = Values.strings(f.value("bin-copy-environment"), f.pathOf("bin-copy-environment"),
                problems);
        if (names == null) {
            return null;
        }
        SequenceNode seq = (SequenceNode) f.value("bin-copy-environment");
        for (int i = 0; i < names.size(); i++) {
            if (!VARIABLE_NAME.matcher(names.get(i)).matches()) {
                problems.add(seq.getValue().get(i), f.pathOf("bin-copy-environment") + "[" + i + "]",
                        "'%s' is not a variable name (empty, or contains = or NUL)".formatted(names.get(i)));
            }
        }
        return names;
    }

    private Map<String, String> overrides(Fields f) {
        Fields env = Fields.of(f.value("bin-environment"), f.pathOf("bin-environment"), true,
                "a mapping of variable name to value", problems);
        if (env == null) {
            return null;
        }
        Map<String, String> variables = new LinkedHashMap<>();
        for (String name : env.keys()) {
            if (!VARIABLE_NAME.matcher(name).matches()) {
                problems.add(env.keyNode(name), env.pathOf(name),
                        "'%s' is not a variable name (empty, or contains = or NUL)".formatted(name));
                continue;
            }
            String value = Values.scalarText(env.value(name), env.pathOf(name), problems);
            if (value != null && value.indexOf('\0') >= 0) {
                problems.add(env.value(name), env.pathOf(name), "contains a NUL character");
            } else if (value != null) {
                variables.put(name, value);
            }
        }
        return variables;
    }

    private int killSignal(Fields f) {
        Node node = f.value("kill-signal");
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.INT)) {
            Integer number = Values.integer(node, f.pathOf("kill-signal"), problems);
            return number == null ? KillSignals.TERM : number;
        }
        if (Values.isString(node)) {
            try {
                return KillSignals.parse(((ScalarNode) node).getValue());
            } catch (IllegalArgumentException e) {
                problems.add(node, f.pathOf("kill-signal"), e.getMessage(), KillSignals.ALLOWED, null);
                return KillSignals.TERM;
            }
        }
        problems.add(node, f.pathOf("kill-signal"), "expected a signal name or number, got " + Values.describe(node),
                KillSignals.ALLOWED, null);
        return KillSignals.TERM;
    }

    private int socketMode(Fields f) {
        Node node = f.value("socket-mode");
        String path = f.pathOf("socket-mode");
        String allowed = "3 or 4 octal digits in quotes, such as \"0600\" or \"0660\"";
        if (!Values.isString(node)) {
            String why = node instanceof ScalarNode s && s.getTag().equals(Tag.INT)
                    ? "; YAML reads an unquoted mode as a number (0660 would be 432), so quote it: \"%s\""
                            .formatted(s.getValue())
                    : "";
            problems.add(node, path, "expected an octal string, got " + Values.describe(node) + why, allowed, null);
            return DEFAULT_SOCKET_MODE;
        }
        String text = ((ScalarNode) node).getValue();
        if (!OCTAL_MODE.matcher(text).matches()) {
            problems.add(node, path, "'%s' is not an octal mode".formatted(text), allowed, null);
            return DEFAULT_SOCKET_MODE;
        }
        return Integer.parseInt(text, 8);
    }

    /** The instance kind, or null after reporting a problem. */
    private String instances(Fields f) {
        String kind = Values.string(f.value("instances"), f.pathOf("instances"), problems);
        if (kind == null || kind.equals(POOL) || kind.equals(PER_KEY) || kind.equals(PER_CONNECTION)) {
            return kind;
        }
        problems.add(f.value("instances"), f.pathOf("instances"), "'%s' is not an instance kind".formatted(kind),
                "pool, per-connection, per-key", null);
        return null;
    }

    private int integer(Fields f, String key, int fallback) {
        Integer value = f.has(key) ? Values.integer(f.value(key), f.pathOf(key), problems) : null;
        return value == null ? fallback : value;
    }

    private Duration duration(Fields f, String key, Duration fallback) {
        Duration d = f.has(key) ? Values.duration(f.value(key), f.pathOf(key), problems) : null;
        return d == null ? fallback : d;
    }

    /** Builds a record, reporting its own violations where their options are. */
    private <T> T record(Fields f, Supplier<T> build) {
        try {
            return build.get();
        } catch (InvalidOptionException e) {
            problems.add(e, option -> {
                Spot spot = f.spot(option);
                return spot != null ? spot : f.missing(option);
            });
            return null;
        }
    }
}
