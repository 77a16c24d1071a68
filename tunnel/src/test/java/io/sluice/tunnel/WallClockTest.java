package io.sluice.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Timers are monotonic: no code of the spawner or the tunnel reads the wall clock, except {@code MonotonicClock}
 * (once, for its origin). Netty's timers (handshake, ping, pong, idle, linger) run on {@code System.nanoTime}; the
 * supervisor's on {@code MonotonicClock}; measured durations use {@code System.nanoTime}. A wall-clock read anywhere
 * else would let a clock step (NTP, {@code date -s}, a resumed VM) stretch or cut a timer.
 */
class WallClockTest {
    private static final Pattern WALL_CLOCK = Pattern.compile(
            "System\\.currentTimeMillis|Instant\\.now\\(|InstantSource\\.system\\(|Clock\\.system|new Date\\(|"
                    + "LocalDateTime\\.now|ZonedDateTime\\.now|OffsetDateTime\\.now");
    /**
     * Where a wall-clock read is the point: the clock's origin; a test-only constructor whose clock is never read;
     * timestamps shown to operators (the start time, /status's "now", a session's open and close times in the access
     * log, a refusal's time), which must be wall time and time nothing; a certificate's expiry, which is a date.
     */
    private static final List<String> ALLOWED = List.of("io/sluice/spawner/MonotonicClock.java",
            "io/sluice/spawner/pool/BackendSnapshot.java", "io/sluice/tunnel/admin/StatusEndpoint.java",
            "io/sluice/tunnel/cli/Operations.java", "io/sluice/tunnel/session/SessionRecord.java",
            "io/sluice/tunnel/session/Refusal.java", "io/sluice/tunnel/config/TlsReader.java");

    @Test
    void noProductionCodeReadsTheWallClockForATimer() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path root : List.of(Path.of("src/main/java"), Path.of("../spawner/src/main/java"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String relative = root.relativize(file).toString();
                    List<String> lines = Files.readAllLines(file);
                    for (int i = 0; i < lines.size(); i++) {
                        if (WALL_CLOCK.matcher(lines.get(i)).find() && !ALLOWED.contains(relative)) {
                            found.add(relative + ":" + (i + 1) + ": " + lines.get(i).strip());
                        }
                    }
                }
            }
        }
        assertThat(found).as("wall-clock reads in production code").isEmpty();
    }
}
