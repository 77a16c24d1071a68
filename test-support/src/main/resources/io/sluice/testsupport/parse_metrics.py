# Parses a metrics scrape on stdin with the official Prometheus Python client's parsers: argv[1] "text" uses the
# Prometheus text-format parser, "openmetrics" the strict OpenMetrics parser (which also requires the final # EOF).
# Prints one line per sample: FAMILY<TAB>TYPE<TAB>SAMPLE<TAB>LABELS-AS-JSON<TAB>VALUE. Exits non-zero on any error.
import json
import sys

if sys.argv[1] == "openmetrics":
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
else:
    from prometheus_client.parser import text_string_to_metric_families

text = sys.stdin.buffer.read().decode("utf-8", errors="strict")
out = []
for family in text_string_to_metric_families(text):
    for sample in family.samples:
        out.append("%s\t%s\t%s\t%s\t%r" % (family.name, family.type, sample.name,
                                           json.dumps(sample.labels, sort_keys=True), float(sample.value)))
sys.stdout.write("".join(line + "\n" for line in out))
