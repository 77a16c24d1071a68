package io.sluice.tunnel.cli;

import io.sluice.spawner.Supervisor;
import io.sluice.spawner.spec.BackendGroup;
import io.sluice.tunnel.config.ConfigChange;
import io.sluice.tunnel.config.ConfigException;
import io.sluice.tunnel.config.ConfigLoader;
import io.sluice.tunnel.config.ConfigProblem;
import io.sluice.tunnel.config.RouteSpec;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.server.TunnelServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the configuration file of {@code sluice run} on SIGHUP and on the admin listener's {@code POST /reload}:
 * reads and checks it with the loader of the start; on any problem keeps the running configuration and logs every
 * problem, located; otherwise applies what may change while running ({@link ConfigChange}) to the supervisor and the
 * tunnel server (the server swaps its context only once the supervisor's registry of the new routes exists), tells
 * the operations side, and logs one line of what was added, changed, removed and kept. Reloads run one at a time, in
 * order, on the "sluice-reload" thread; the running configuration is confined to it.
 */
final class Reloader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Reloader.class);

    /** How a reload ended. */
    enum Result {
        /** Everything in the file is running now. */
        APPLIED,
        /** Applied, except settings that need a restart (named in the messages). */
        APPLIED_PARTLY,
        /** Nothing changed: the file has problems, or the new setup could not be taken up. */
        REFUSED
    }

    /** A reload's result and its messages, one line each, as logged. */
    record Outcome(Result result, List<String> messages) {
        Outcome {
            messages = List.copyOf(messages);
        }
    }

    private final Path file;
    private final Supervisor supervisor;
    private final TunnelServer server;
    private final Consumer<SluiceConfig> reloaded;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
        Thread created = new Thread(runnable, "sluice-reload");
        created.setDaemon(true); // a reload under way must not keep a stopping JVM alive
        return created;
    });
    private SluiceConfig running;

    /** {@code reloaded} is told each applied configuration (status, metrics, readiness), on the reload thread. */
    Reloader(SluiceConfig running, Supervisor supervisor, TunnelServer server, Consumer<SluiceConfig> reloaded) {
        this.running = running;
        this.file = running.file();
        this.supervisor = supervisor;
        this.server = server;
        this.reloaded = reloaded;
    }

    /** Queues a reload; {@code why} names the trigger in the log. Any thread (a signal handler, an event loop). */
    CompletableFuture<Outcome> request(String why) {
        try {
            return CompletableFuture.supplyAsync(() -> reload(why), thread);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(new Outcome(Result.REFUSED, List.of("Sluice is stopping")));
        }
    }

    private Outcome reload(String why) {
        log.info("reload ({}): reading {}", why, file);
        SluiceConfig loaded;
        try {
            loaded = ConfigLoader.load(file);
        } catch (ConfigException e) {
            List<String> messages = new ArrayList<>();
            for (ConfigProblem problem : e.problems()) {
                log.error("reload refused: {}", problem.format());
                messages.add(problem.format());
            }
            return refused(messages, "%d configuration problem%s".formatted(e.problems().size(),
                    e.problems().size() == 1 ? "" : "s"));
        }
        ConfigChange change = ConfigChange.between(running, loaded);
        if (change.blocker() != null) {
            log.error("reload refused: {}", change.blocker());
            return refused(List.of(change.blocker()), "a setting that cannot change");
        }
        SluiceConfig applied = change.applied();
        List<BackendGroup> groups = applied.routes().stream().map(RouteSpec::backends).toList();
        try {
            server.reload(applied, () -> supervisor.reload(groups, applied.server().gracefulShutdownTimeout()));
        } catch (IOException | RuntimeException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            log.error("reload refused: {}", message);
            return refused(List.of(message), "the new configuration could not be taken up");
        }
        running = applied;
        LogLevels.apply(applied.debug());
        reloaded.accept(applied);
        List<String> messages = new ArrayList<>();
        for (String refusal : change.refused()) {
            log.warn("reload: {}", refusal);
            messages.add(refusal);
        }
        log.info("reload applied: {}", change.summary());
        messages.add(0, "reload applied: " + change.summary());
        return new Outcome(change.refused().isEmpty() ? Result.APPLIED : Result.APPLIED_PARTLY, messages);
    }

    private Outcome refused(List<String> problems, String what) {
        String last = "reload refused (%s); still running the previous configuration".formatted(what);
        log.error(last);
        List<String> messages = new ArrayList<>(problems);
        messages.add(last);
        return new Outcome(Result.REFUSED, messages);
    }

    /** No reload starts after this; one under way finishes on its daemon thread. */
    @Override
    public void close() {
        thread.shutdown();
    }
}
