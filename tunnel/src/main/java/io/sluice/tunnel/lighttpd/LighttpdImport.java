package io.sluice.tunnel.lighttpd;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code sluice import-lighttpd}: a lighttpd configuration (with its includes) as Sluice YAML. Every option that
 * matters to a tunnel is translated, lighttpd's defaults written out where Sluice's differ, with a comment at each
 * difference; every option it cannot translate gets a located warning. Stateless; every call is independent.
 */
public final class LighttpdImport {
    /** Where a leftover option is explained better than "no equivalent". */
    private static final Map<String, String> WHY = Map.of(
            "server.username", "run Sluice as that user (workers can get their own with user/group)",
            "server.groupname", "run Sluice as that group (workers can get their own with user/group)",
            "server.errorlog", "Sluice logs to stderr",
            "server.pid-file", "Sluice writes no pid file",
            "server.max-write-idle", "Sluice has no write idle timeout; backpressure bounds what waits",
            "server.max-connections", "Sluice's max-connections counts connections from the accept: set it",
            "server.graceful-shutdown-timeout", "set server.graceful-shutdown-timeout (Sluice's default 8s)");

    private LighttpdImport() {
    }

    /** Reads {@code file} (messages name it as given) and converts it. */
    public static ImportResult convert(Path file) throws LighttpdSyntaxException {
        Objects.requireNonNull(file, "file");
        LighttpdConfig config = Parser.parse(file);
        Notes notes = new Notes();
        notes.addAll(config.warnings());
        YamlLines y = new YamlLines();
        y.comment(0, "Converted from %s by `sluice import-lighttpd`. Comments starting with \"lighttpd\" mark where"
                .formatted(file.getFileName()) + " Sluice differs; see " + Notes.DOC + ".");
        y.blank();
        new ServerSection(config, notes).write(y);
        y.blank();
        new WstunnelSection(config, notes, file).write(y);
        modules(config, notes);
        leftovers(config, notes);
        return new ImportResult(y.toString(), notes.warnings());
    }

    private static void modules(LighttpdConfig config, Notes notes) {
        Directive modules = notes.use(config.global().get("server.modules"));
        boolean wstunnel = modules != null && modules.value() instanceof Value.Arr list
                && list.entries().stream().anyMatch(e -> "mod_wstunnel".equals(e.value().text()));
        if (!wstunnel && config.global().containsKey("wstunnel.server")) {
            notes.warn(modules != null ? modules.where() : config.global().get("wstunnel.server").where(),
                    "mod_wstunnel is not in server.modules, so lighttpd ignored wstunnel.*; translated anyway");
        }
    }

    private static void leftovers(LighttpdConfig config, Notes notes) {
        List<Condition> blocks = new ArrayList<>();
        blocks.add(null);
        blocks.addAll(config.conditions());
        for (Condition c : blocks) {
            for (Directive d : config.block(c).values()) {
                if (notes.isUsed(d)) {
                    continue;
                }
                String where = c == null ? "" : " (in " + c + ")";
                String why = c != null && (d.name().equals("server.max-read-idle") || d.name().equals("wstunnel.debug"))
                        ? "Sluice has it for the whole server only" : WHY.getOrDefault(d.name(),
                        d.name().startsWith("wstunnel.")
                        ? "Sluice applies it per route only in a $HTTP[\"url\"] block that has wstunnel.server"
                        : "no Sluice equivalent");
                notes.warn(d.where(), "%s%s not translated: %s".formatted(d.name(), where, why));
            }
        }
    }
}
