package io.sluice.tunnel.session;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes the id of each session: a random prefix drawn once per process, then a counter ("9f3c1a2b-17"), so ids are
 * unique within a run and across restarts without a random draw per session. Thread-safe.
 */
public final class SessionIds {
    private static final String PREFIX = HexFormat.of().toHexDigits(new SecureRandom().nextInt()) + "-";
    private static final AtomicLong COUNTER = new AtomicLong();

    private SessionIds() {
    }

    /** The next id; cheap (one atomic increment and a short string). */
    public static String next() {
        return PREFIX + Long.toString(COUNTER.incrementAndGet(), 36);
    }
}
