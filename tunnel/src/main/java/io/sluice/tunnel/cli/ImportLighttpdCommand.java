package io.sluice.tunnel.cli;

import io.sluice.tunnel.config.ConfigException;
import io.sluice.tunnel.config.ConfigLoader;
import io.sluice.tunnel.config.ConfigProblem;
import io.sluice.tunnel.lighttpd.ImportResult;
import io.sluice.tunnel.lighttpd.LighttpdImport;
import io.sluice.tunnel.lighttpd.LighttpdSyntaxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice import-lighttpd FILE [-o OUT.yaml]}: writes the Sluice YAML of a lighttpd configuration (to stdout,
 * or OUT), warnings on stderr, then checks the result as {@code sluice check} would, from OUT's folder (else FILE's).
 * Exit 0 when the result passes the check, 1 when it was written but does not pass here (a program or file it names
 * is missing on this machine), 2 when the lighttpd file cannot be read.
 */
@Command(name = "import-lighttpd", mixinStandardHelpOptions = true, versionProvider = SluiceVersion.class,
        description = "Convert a lighttpd configuration (mod_wstunnel) to Sluice YAML.")
final class ImportLighttpdCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The lighttpd configuration, e.g. lighttpd.conf.")
    private Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.yaml", description = "Write here instead of stdout.")
    private Path output;

    @Override
    public Integer call() throws IOException {
        ImportResult result;
        try {
            result = LighttpdImport.convert(file);
        } catch (LighttpdSyntaxException e) {
            System.err.println(e.getMessage());
            return SluiceMain.EXIT_CONFIG;
        }
        result.warnings().forEach(w -> System.err.println("warning: " + w));
        Path checkedAs;
        if (output != null) {
            Files.writeString(output, result.yaml(), StandardCharsets.UTF_8);
            checkedAs = output;
        } else {
            System.out.print(result.yaml());
            System.out.flush();
            Path folder = file.toAbsolutePath().getParent();
            checkedAs = folder.resolve("sluice.yaml");
        }
        try {
            ConfigLoader.parse(result.yaml(), checkedAs);
            return SluiceMain.EXIT_OK;
        } catch (ConfigException e) {
            System.err.println("the result does not pass sluice check here:");
            for (ConfigProblem problem : e.problems()) {
                System.err.println("  " + problem.format());
            }
            return SluiceMain.EXIT_RUNTIME;
        }
    }
}
