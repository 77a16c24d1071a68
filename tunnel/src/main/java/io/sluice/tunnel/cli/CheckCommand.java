package io.sluice.tunnel.cli;

import io.sluice.tunnel.config.ConfigException;
import io.sluice.tunnel.config.ConfigLoader;
import io.sluice.tunnel.config.SluiceConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice check -c FILE}: validates a configuration and reports every problem (and, as warnings, certificates
 * that are expired or not valid yet); starts nothing.
 */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = SluiceVersion.class,
        description = "Validate a configuration file; exit 0 if valid, 2 with every problem.")
final class CheckCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The YAML configuration.")
    private Path config;

    @Override
    public Integer call() {
        try {
            SluiceConfig loaded = ConfigLoader.load(config);
            if (loaded.server().tls() != null) {
                // Not errors (the server starts), but what a renewal forgot should be seen before it runs.
                loaded.server().tls().warnings().forEach(w -> System.err.println("warning: " + w.format()));
            }
            System.out.printf("%s: configuration is valid (%d route%s)%n", config, loaded.routes().size(),
                    loaded.routes().size() == 1 ? "" : "s");
            return SluiceMain.EXIT_OK;
        } catch (ConfigException e) {
            ConfigErrors.print(e);
            return SluiceMain.EXIT_CONFIG;
        }
    }
}
