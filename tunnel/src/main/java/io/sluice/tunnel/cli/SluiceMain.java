package io.sluice.tunnel.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sluice} command: parses arguments and hands over to a subcommand. Exit status 0 clean stop, 1 runtime
 * failure, 2 configuration or usage error.
 */
@Command(name = "sluice",
        mixinStandardHelpOptions = true,
        versionProvider = SluiceVersion.class,
        description = "WebSocket tunnel endpoint and FastCGI-style process spawner.",
        subcommands = {RunCommand.class, CheckCommand.class, StatusCommand.class, ReloadCommand.class,
                ImportLighttpdCommand.class})
public final class SluiceMain implements Runnable {

    public static final int EXIT_OK = 0;
    public static final int EXIT_RUNTIME = 1;
    public static final int EXIT_CONFIG = 2;

    /**
     * Netty tracks one buffer in 128 for leaks unless told otherwise, recording a stack trace at each touch of a
     * tracked buffer: about 6 % of the event loop's user time at session churn. The test suite runs with paranoid
     * detection and fails on any report; the server runs without, unless the operator sets the property.
     */
    private static final String LEAK_DETECTION = "io.netty.leakDetection.level";

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (System.getProperty(LEAK_DETECTION) == null && System.getProperty("io.netty.leakDetectionLevel") == null) {
            System.setProperty(LEAK_DETECTION, "disabled");
        }
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit status instead of exiting (tests call this). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new SluiceMain());
        cli.setExitCodeExceptionMapper(e -> EXIT_RUNTIME);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.getCommandSpec().exitCodeOnInvalidInput(EXIT_CONFIG);
        cli.setErr(new PrintWriter(System.err, true));
        return cli.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: run, check, status, reload or import-lighttpd");
    }
}
