package io.sluice.tunnel.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.testsupport.Python;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON writer's output read back by Python's strict parser, including every character that needs escaping. */
class JsonWriterTest {

    @Test
    void nestedValuesRoundTripThroughAStrictParser() {
        String nasty = "quote\" backslash\\ nl\n cr\r tab\t nul\0 bell\u0007 sep\u2028 emoji😀 é";
        String json = new JsonWriter().beginObject()
                .field("text", nasty)
                .field("count", 42)
                .field("ok", true)
                .name("missing").nullValue()
                .name("ratio").value(0.25)
                .name("nan").value(Double.NaN)
                .field("at", Instant.parse("2026-01-02T03:04:05Z"))
                .name("secs").seconds(Duration.ofMillis(1500))
                .name("list").beginArray().value(1).value("two").beginObject().endObject().beginArray().endArray()
                .endArray()
                .endObject().toString();

        Map<String, String> values = Python.flattenJson(json);

        assertThat(values).containsEntry("count", "42").containsEntry("ok", "true").containsEntry("missing", "null")
                .containsEntry("ratio", "0.25").containsEntry("nan", "null")
                .containsEntry("at", "\"2026-01-02T03:04:05Z\"").containsEntry("secs", "1.5")
                .containsEntry("list[0]", "1").containsEntry("list[1]", "\"two\"")
                .containsEntry("list[2]", "{}").containsEntry("list[3]", "[]");
        assertThat(Python.flattenJson("{\"text\":" + quoted(json) + "}")).isNotEmpty();
        String roundTrip = Python.run("flatten_json.py", java.util.List.of(), json).lines()
                .filter(l -> l.startsWith("text=")).findFirst().orElseThrow();
        assertThat(roundTrip).contains("\\\"").contains("\\\\").contains("\\n").contains("\\u0000")
                .contains("emoji😀").contains("é");
        assertThat(json).doesNotContain("\n").contains("\\u2028").contains("\\u0007");
    }

    @Test
    void aLoneSurrogateIsEscapedSoTheTextStaysValidUtf8() {
        String json = new JsonWriter().beginObject().field("s", "a\uD800b").endObject().toString();

        assertThat(json).isEqualTo("{\"s\":\"a\\ud800b\"}");
    }

    @Test
    void misuseFailsFast() {
        assertThatThrownBy(() -> new JsonWriter().beginObject().value(1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new JsonWriter().value("bare")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new JsonWriter().beginArray().endObject()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new JsonWriter().beginObject().toString()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new JsonWriter().beginObject().endObject().beginObject())
                .isInstanceOf(IllegalStateException.class);
    }

    private static String quoted(String s) {
        return new JsonWriter().beginArray().value(s).endArray().toString().replaceAll("^\\[|]$", "");
    }
}
