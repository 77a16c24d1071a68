package io.sluice.tunnel.cli;

import io.sluice.spawner.MonotonicClock;
import io.sluice.spawner.Supervisor;
import io.sluice.spawner.spec.BackendGroup;
import io.sluice.tunnel.config.ConfigException;
import io.sluice.tunnel.config.ConfigLoader;
import io.sluice.tunnel.config.RouteSpec;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.server.Transports;
import io.sluice.tunnel.server.TunnelServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice run -c FILE}: loads the configuration, starts the supervisor and the tunnel server, and runs until
 * SIGTERM or SIGINT, then stops gracefully and exits 0, whatever runtime errors it survived before (only a failure of
 * the stop itself exits 1).
 */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = SluiceVersion.class,
        description = "Run the tunnel server with a configuration file.")
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The YAML configuration.")
    private Path config;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (for people, the default) or json (one JSON object per line, for log shippers).")
    private LogFormat logFormat;

    @Override
    public Integer call() throws InterruptedException {
        logFormat.apply();
        SluiceConfig loaded;
        try {
            loaded = ConfigLoader.load(config);
        } catch (ConfigException e) {
            ConfigErrors.print(e);
            return SluiceMain.EXIT_CONFIG;
        }
        LogLevels.apply(loaded.debug());
        Transports.Choice transport;
        try {
            transport = Transports.choose(loaded); // before any worker starts; the server decides the same at start
        } catch (IOException e) {
            log.error("cannot start: {}", e.getMessage());
            return SluiceMain.EXIT_RUNTIME;
        }
        List<BackendGroup> groups = loaded.routes().stream().map(RouteSpec::backends).toList();
        Supervisor supervisor = new Supervisor(groups, MonotonicClock.startingNow(), loaded.server().runtimeDir());
        Operations operations = new Operations(loaded, supervisor.status());
        TunnelServer server = new TunnelServer(loaded, supervisor.registry(), operations.sessionObserver());
        operations.attach(server, transport.transport().configName());
        StopSequence stopAll = StopSequence.forRun(operations::draining, server::stop, supervisor::stop,
                operations::stop);
        Reloader reloader = new Reloader(loaded, supervisor, server, operations::reloaded);
        operations.attachReload(reloader);
        StopSignals signals = StopSignals.install(() -> reloader.request("SIGHUP"));
        Thread hook = new Thread(stopAll, "sluice-shutdown-hook");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            operations.start();
            supervisor.start();
            server.start();
            operations.tunnelListening(server);
        } catch (IOException | RuntimeException e) {
            // One clear line: the spawner and the server word their failures for users (path, errno, hint).
            log.error("cannot start: {}", describe(e));
            stopAll.run();
            return SluiceMain.EXIT_RUNTIME;
        }
        String signal = signals.awaitStop();
        log.info("received SIG{}; stopping gracefully", signal);
        reloader.close();
        if (!stopAll.stop()) {
            return SluiceMain.EXIT_RUNTIME;
        }
        log.info("stopped");
        return SluiceMain.EXIT_OK;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
