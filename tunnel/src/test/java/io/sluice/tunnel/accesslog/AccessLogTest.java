package io.sluice.tunnel.accesslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.testsupport.Python;
import io.sluice.tunnel.config.AccessLogOptions;
import io.sluice.tunnel.config.AccessLogOptions.Format;
import io.sluice.tunnel.session.Refusal;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access log's writer: formats, quoting, reopening after a rename, and dropping (counted) when full. */
class AccessLogTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Refusal NO_BACKEND = new Refusal(Instant.parse("2026-01-02T03:04:05Z"), "127.0.0.1", 5555,
            "/echo/", 503, "unavailable", "no backend of route '/echo/' is available: \"x\"\n");

    @TempDir
    Path dir;

    @Test
    void textLinesQuoteValuesThatNeedIt() throws Exception {
        Path file = dir.resolve("access.log");
        try (AccessLog log = new AccessLog(new AccessLogOptions(file, Format.TEXT))) {
            log.start();
            log.refused(NO_BACKEND);
            log.refused(new Refusal(NO_BACKEND.at(), "::1", 6, "", 404, "no-route", "no WebSocket route"));
            await().atMost(WAIT).until(() -> log.written() == 2);
        }

        assertThat(Files.readAllLines(file)).containsExactly(
                "2026-01-02T03:04:05Z refused remote=127.0.0.1:5555 route=/echo/ status=503 reason=unavailable "
                        + "text=\"no backend of route '/echo/' is available: \\\"x\\\"\\x0a\"",
                "2026-01-02T03:04:05Z refused remote=::1:6 route=- status=404 reason=no-route "
                        + "text=\"no WebSocket route\"");
    }

    @Test
    void jsonLinesAreOneObjectEach() throws Exception {
        Path file = dir.resolve("access.jsonl");
        try (AccessLog log = new AccessLog(new AccessLogOptions(file, Format.JSON))) {
            log.start();
            log.refused(NO_BACKEND);
            await().atMost(WAIT).until(() -> log.written() == 1);
        }

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(1);
        assertThat(Python.flattenJson(lines.get(0))).containsExactly(Map.entry("time", "\"2026-01-02T03:04:05Z\""),
                Map.entry("event", "\"refused\""), Map.entry("remoteAddress", "\"127.0.0.1\""),
                Map.entry("remotePort", "5555"), Map.entry("route", "\"/echo/\""), Map.entry("status", "503"),
                Map.entry("reason", "\"unavailable\""),
                Map.entry("text", "\"no backend of route '/echo/' is available: \\\"x\\\"\\n\""));
    }

    @Test
    void reopenStartsANewFileAfterLogrotateMovedTheOldOne() throws Exception {
        Path file = dir.resolve("access.log");
        Path rotated = dir.resolve("access.log.1");
        try (AccessLog log = new AccessLog(new AccessLogOptions(file, Format.TEXT))) {
            log.start();
            log.refused(NO_BACKEND);
            await().atMost(WAIT).until(() -> log.written() == 1);
            Files.move(file, rotated);
            log.reopen();
            log.refused(NO_BACKEND);
            await().atMost(WAIT).until(() -> log.written() == 2);
        }

        assertThat(Files.readAllLines(rotated)).hasSize(1);
        assertThat(Files.readAllLines(file)).hasSize(1);
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfWaiting() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = new PrintStream(captured, true, StandardCharsets.UTF_8);
        try (AccessLog log = new AccessLog(new AccessLogOptions(null, Format.TEXT), stdout, 2)) {
            for (int i = 0; i < 5; i++) {
                log.refused(NO_BACKEND); // not started: nothing drains the queue of 2
            }
            assertThat(log.dropped()).isEqualTo(3);
            log.start();
            await().atMost(WAIT).until(() -> log.written() == 2);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8).lines()).hasSize(2);
    }
}
