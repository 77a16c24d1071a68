package io.sluice.tunnel.config;

import io.sluice.spawner.spec.InvalidOptionException;
import io.sluice.tunnel.config.ConfigOption.Place;
import io.sluice.tunnel.config.Problems.Spot;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Turns a YAML config file into a {@link SluiceConfig}, or a {@link ConfigException} holding every problem found,
 * each with file, line, column and option path. Stateless and thread-safe; every call is independent.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /** Reads and checks {@code file}; messages name the file as given; relative paths resolve against its folder. */
    public static SluiceConfig load(Path file) throws ConfigException {
        return load(file, SystemFacts.current());
    }

    /** As {@link #load(Path)}, with Sluice's environment and somaxconn taken from {@code facts}. */
    public static SluiceConfig load(Path file, SystemFacts facts) throws ConfigException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(facts, "facts");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            Problems problems = new Problems(file);
            problems.addUnlocated("cannot read the file: " + reason(e));
            throw new ConfigException(problems.inFileOrder());
        }
        return parse(text, file, facts);
    }

    /**
     * Checks YAML text as if read from {@code file}: {@code file} is named in messages and its folder is where
     * relative paths resolve.
     */
    public static SluiceConfig parse(String yaml, Path file) throws ConfigException {
        return parse(yaml, file, SystemFacts.current());
    }

    /** As {@link #parse(String, Path)}, with Sluice's environment and somaxconn taken from {@code facts}. */
    public static SluiceConfig parse(String yaml, Path file, SystemFacts facts) throws ConfigException {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(facts, "facts");
        Problems problems = new Problems(file);
        Node root = compose(yaml, problems);
        SluiceConfig config = problems.count() == 0 ? read(root, file, facts, problems) : null;
        if (problems.count() > 0) {
            throw new ConfigException(problems.inFileOrder());
        }
        return config;
    }

    private static Node compose(String yaml, Problems problems) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowRecursiveKeys(false);
        try {
            return new Yaml(options).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
            problems.add(new ConfigProblem(problems.file(), mark == null ? 0 : mark.getLine() + 1,
                    mark == null ? 0 : mark.getColumn() + 1, "", "not valid YAML: " + e.getProblem() + context,
                    null, null));
        } catch (YAMLException e) {
            problems.addUnlocated("not valid YAML: " + e.getMessage());
        }
        return null;
    }

    private static SluiceConfig read(Node root, Path file, SystemFacts facts, Problems problems) {
        if (root == null) {
            problems.add(null, "", "the file is empty; a configuration needs at least wstunnel.server");
            return null;
        }
        Fields top = Fields.of(root, "", false, "a mapping with server: and wstunnel:", problems);
        if (top == null) {
            return null;
        }
        OptionKeys.check(top, Place.TOP, problems);
        Path absolute = file.toAbsolutePath();
        Path baseDir = absolute.getParent() != null ? absolute.getParent() : absolute;
        ServerReader serverReader = new ServerReader(baseDir, facts, problems);
        ServerOptions server = serverReader.read(top.value("server"));
        // With a broken server section, generated sockets go to the default folder; the file is rejected anyway.
        Path runtimeDir = server != null ? server.runtimeDir() : facts.defaultRuntimeDir();
        HostReader hosts = new HostReader(baseDir, runtimeDir, facts, problems);
        WstunnelReader tunnel = new WstunnelReader(new RouteReader(hosts, problems), problems);
        tunnel.read(top.value("wstunnel"));
        OperationsReader operations = new OperationsReader(baseDir, problems);
        AdminOptions admin = operations.admin(top.value("admin"));
        AccessLogOptions accessLog = operations.accessLog(top.value("access-log"));
        List<ExtensionMapping> mappings = tunnel.mappings().stream()
                .filter(m -> !tunnel.failedRoutes().contains(m.routeKey()))
                .toList();
        try {
            return new SluiceConfig(file, server != null ? server : ServerOptions.defaults(baseDir), tunnel.debug(),
                    mappings, tunnel.routes(), admin, accessLog);
        } catch (InvalidOptionException e) {
            Fields wstunnel = tunnel.fields();
            problems.add(e, option -> {
                if (option.startsWith("admin.") && operations.adminFields() != null) {
                    String key = option.substring("admin.".length());
                    Spot spot = operations.adminFields().spot(key);
                    return spot != null ? spot : operations.adminFields().missing(key);
                }
                if (option.startsWith("server.")) {
                    return serverReader.spot(option.substring("server.".length()), top);
                }
                if (option.equals("server") && !tunnel.complete()) {
                    return null; // every route had problems, so "no routes" would be a false alarm
                }
                Spot spot = wstunnel == null ? null : wstunnel.spot(option);
                if (spot != null) {
                    return spot;
                }
                return wstunnel != null ? wstunnel.missing(option) : new Spot("wstunnel." + option, root);
            });
            return null;
        }
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof CharacterCodingException) {
            return "not UTF-8 text";
        }
        return e.toString();
    }
}
