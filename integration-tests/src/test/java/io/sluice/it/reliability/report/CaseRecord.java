package io.sluice.it.reliability.report;

import io.sluice.it.harness.CaseFamily;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * One row of docs/reliability.md: a case, whether it held in the run, what was observed, the bounds asserted with
 * their options, the evidence (test names), and values measured in the run (shown, never compared). Read from a
 * {@code target/reliability/*.json} record (JSON is YAML, so SnakeYAML reads it) or made from test reports. Immutable.
 */
record CaseRecord(String id, CaseFamily family, String title, String status, String reason, String evidence,
                  String outcome, List<Bound> bounds, List<String> measured) {

    record Bound(String option, String limit) {
    }

    static final String HELD = "held";

    CaseRecord {
        bounds = List.copyOf(bounds);
        measured = List.copyOf(measured);
    }

    boolean held() {
        return status.equals(HELD);
    }

    @SuppressWarnings("unchecked")
    static CaseRecord read(Path file) throws IOException {
        Map<String, Object> json = new Yaml().load(Files.readString(file, StandardCharsets.UTF_8));
        List<Bound> bounds = ((List<Map<String, String>>) json.get("bounds")).stream()
                .map(b -> new Bound(b.get("option"), b.get("limit"))).toList();
        List<String> measured = ((List<Map<String, String>>) json.get("measured")).stream()
                .map(m -> m.get("name") + ": " + m.get("value")).toList();
        return new CaseRecord((String) json.get("id"), CaseFamily.valueOf((String) json.get("family")),
                (String) json.get("title"), (String) json.get("status"), (String) json.get("reason"),
                (String) json.get("test"), (String) json.get("outcome"), bounds, measured);
    }
}
