package io.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LogLinearHistogramTest {

    @Test
    void percentilesAreWithinOnePointSixPercentOfTheExactValue() {
        LogLinearHistogram histogram = new LogLinearHistogram();
        for (long v = 1; v <= 1_000_000; v++) {
            histogram.record(v * 37);
        }

        assertThat(histogram.count()).isEqualTo(1_000_000);
        assertThat((double) histogram.percentile(0.50)).isCloseTo(500_000 * 37.0, within(500_000 * 37.0 * 0.016));
        assertThat((double) histogram.percentile(0.99)).isCloseTo(990_000 * 37.0, within(990_000 * 37.0 * 0.016));
        assertThat(histogram.percentile(1.0)).isEqualTo(37_000_000L);
        assertThat(histogram.max()).isEqualTo(37_000_000L);
    }

    @Test
    void smallValuesAreExactAndMergingAddsCounts() {
        LogLinearHistogram a = new LogLinearHistogram();
        LogLinearHistogram b = new LogLinearHistogram();
        a.record(5);
        b.record(100);
        b.record(100);
        a.add(b);

        assertThat(a.count()).isEqualTo(3);
        assertThat(a.percentile(0.33)).isEqualTo(5);
        assertThat(a.percentile(0.5)).isEqualTo(100);
    }

    @Test
    void everyIndexRoundTripsToABucketThatHoldsTheValue() {
        for (long v = 0; v < 1L << 36; v = v * 3 / 2 + 1) {
            int index = LogLinearHistogram.index(v);
            assertThat(LogLinearHistogram.upperEdge(index)).isGreaterThanOrEqualTo(v);
            assertThat(index == 0 || LogLinearHistogram.upperEdge(index - 1) < v).isTrue();
        }
    }
}
