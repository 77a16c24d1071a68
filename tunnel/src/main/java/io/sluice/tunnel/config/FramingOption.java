package io.sluice.tunnel.config;

/**
 * Checks the {@code framing} option of a route or a host: {@code stream}, the default and the only framing built so
 * far, may be written out; {@code lines} is known but not supported yet; anything else is an error. Stateless.
 */
final class FramingOption {
    static final String KEY = "framing";
    static final String STREAM = "stream";

    private FramingOption() {
    }

    /** Reports a {@code framing} value in {@code f} other than {@code stream}. */
    static void check(Fields f, Problems problems) {
        if (!f.has(KEY)) {
            return;
        }
        String framing = Values.string(f.value(KEY), f.pathOf(KEY), problems);
        if (framing == null || framing.equals(STREAM)) {
            return;
        }
        if (framing.equals("lines")) {
            problems.add(f.value(KEY), f.pathOf(KEY), "'lines' is not supported yet", STREAM, null);
        } else {
            problems.add(f.value(KEY), f.pathOf(KEY), "'%s' is not a framing".formatted(framing), "stream, lines",
                    null);
        }
    }
}
