package io.sluice.tunnel.cli;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a graceful stop on the main thread. Handling them ourselves (rather than through a
 * shutdown hook alone) is what lets a signalled stop exit with status 0 instead of the JVM's 128+signal.
 * SIGHUP asks for a reload ({@link Reloader}), which runs on its own thread.
 */
final class StopSignals {
    private static final Logger log = LoggerFactory.getLogger(StopSignals.class);

    private final BlockingQueue<String> received = new ArrayBlockingQueue<>(8);

    private StopSignals() {
    }

    static StopSignals install(Runnable reload) {
        StopSignals signals = new StopSignals();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), s -> signals.received.offer(s.getName()));
        }
        Signal.handle(new Signal("HUP"), s -> {
            log.info("received SIGHUP: reloading the configuration");
            reload.run();
        });
        return signals;
    }

    /** Blocks until SIGTERM or SIGINT arrives; returns its name. */
    String awaitStop() throws InterruptedException {
        return received.take();
    }
}
