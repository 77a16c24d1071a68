package io.sluice.tunnel.metrics;

/** One scrape of the registry: the body and its content type (Prometheus text or OpenMetrics). */
public record Scrape(String contentType, String body) {
}
