package io.sluice.tunnel.config;

/**
 * The {@code server.*} options of permessage-deflate (RFC 7692): whether routes compress unless they say otherwise
 * ({@code compression}), and how far a client message may inflate relative to its compressed size
 * ({@code max-inflate-ratio}, 0 = no ratio check) once it is past {@link #RATIO_FLOOR_BYTES}. Immutable; validates
 * itself in option terms.
 */
public record CompressionOptions(boolean byDefault, int maxInflateRatio) {

    /** Apache httpd's {@code DeflateInflateRatioLimit} default; ordinary text and JSON inflate 3–20 times. */
    public static final int DEFAULT_MAX_INFLATE_RATIO = 200;
    /** A message is never refused for its ratio before it inflated this far (a small run of zeros is no bomb). */
    public static final long RATIO_FLOOR_BYTES = 1 << 20;
    public static final CompressionOptions DEFAULTS = new CompressionOptions(false, DEFAULT_MAX_INFLATE_RATIO);

    public CompressionOptions {
        Violations v = new Violations();
        if (maxInflateRatio < 0) {
            v.add("max-inflate-ratio", "must be 0 (no ratio check) or more, got " + maxInflateRatio,
                    "a ratio such as 200; 0 leaves only max-message-size");
        }
        v.throwIfAny();
    }
}
