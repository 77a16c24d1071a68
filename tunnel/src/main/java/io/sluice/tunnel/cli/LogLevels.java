package io.sluice.tunnel.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Maps {@code wstunnel.debug} to log levels: 0 INFO, 1–3 DEBUG for Sluice's own loggers, 4 and above TRACE. */
final class LogLevels {
    private LogLevels() {
    }

    static void apply(int debug) {
        if (debug <= 0 || !(LoggerFactory.getLogger("io.sluice") instanceof Logger sluice)) {
            return;
        }
        sluice.setLevel(debug >= 4 ? Level.TRACE : Level.DEBUG);
    }
}
