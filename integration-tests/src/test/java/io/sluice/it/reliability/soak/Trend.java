package io.sluice.it.reliability.soak;

import java.util.List;

/**
 * A least-squares line through samples (seconds, value): its slope, and the growth it predicts over the sampled
 * window. "Flat" means that growth stays within a tolerance; a leak shows as a steady slope, noise does not.
 */
record Trend(double slopePerSecond, double window) {

    static Trend of(List<double[]> points) {
        int n = points.size();
        if (n < 2) {
            return new Trend(0, 0);
        }
        double sx = 0;
        double sy = 0;
        for (double[] p : points) {
            sx += p[0];
            sy += p[1];
        }
        double mx = sx / n;
        double my = sy / n;
        double num = 0;
        double den = 0;
        for (double[] p : points) {
            num += (p[0] - mx) * (p[1] - my);
            den += (p[0] - mx) * (p[0] - mx);
        }
        double window = points.get(n - 1)[0] - points.get(0)[0];
        return new Trend(den == 0 ? 0 : num / den, window);
    }

    /** The growth over the window the line predicts. */
    double growth() {
        return slopePerSecond * window;
    }
}
