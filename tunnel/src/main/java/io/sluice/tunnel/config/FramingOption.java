package io.sluice.tunnel.config;

import io.sluice.tunnel.config.Problems.Spot;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reads {@code framing} and {@code max-line-length} where a route or a host writes them, and settles the route's one
 * {@link MessageFraming}: a client cannot choose which host it gets, so every host of a route frames alike. A value
 * on the route holds for its hosts, and a host that writes another is an error; without one on the route, the hosts
 * that write one must agree and the others follow them (the short form can only say it on a host). Stateless.
 */
final class FramingOption {
    static final String FRAMING = "framing";
    static final String MAX_LINE_LENGTH = "max-line-length";

    /** What one mapping wrote: null where it wrote nothing or something invalid (already reported). */
    record Written(Boolean lines, Spot framingSpot, Integer maxLineLength, Spot lengthSpot) {
        static final Written NOTHING = new Written(null, null, null, null);
    }

    private FramingOption() {
    }

    /** The framing options written in {@code f}, each bad value reported. */
    static Written read(Fields f, Problems problems) {
        Boolean lines = null;
        if (f.has(FRAMING)) {
            String framing = Values.string(f.value(FRAMING), f.pathOf(FRAMING), problems);
            if ("lines".equals(framing) || "stream".equals(framing)) {
                lines = framing.equals("lines");
            } else if (framing != null) {
                problems.add(f.value(FRAMING), f.pathOf(FRAMING), "'%s' is not a framing".formatted(framing),
                        MessageFraming.ALLOWED, null);
            }
        }
        Integer maxLineLength = null;
        if (f.has(MAX_LINE_LENGTH)) {
            Long bytes = Values.size(f.value(MAX_LINE_LENGTH), f.pathOf(MAX_LINE_LENGTH), problems);
            if (bytes != null && (bytes < 1 || bytes > MessageFraming.LARGEST_MAX_LINE_LENGTH)) {
                problems.add(f.value(MAX_LINE_LENGTH), f.pathOf(MAX_LINE_LENGTH),
                        "must be 1 byte to 1GiB, got " + bytes, "a size such as 64KiB or 1MiB", null);
            } else if (bytes != null) {
                maxLineLength = bytes.intValue();
            }
        }
        return new Written(lines, f.spot(FRAMING), maxLineLength, f.spot(MAX_LINE_LENGTH));
    }

    /** The route's framing from what it and its hosts wrote, or null after reporting a disagreement. */
    static MessageFraming settle(Written route, List<Written> hosts, Problems problems) {
        int before = problems.count();
        Boolean lines = agreed(route.lines(), hosts, Written::lines, Written::framingSpot, FRAMING, problems);
        Integer length = agreed(route.maxLineLength(), hosts, Written::maxLineLength, Written::lengthSpot,
                MAX_LINE_LENGTH, problems);
        if (problems.count() != before) {
            return null;
        }
        if (length != null && !Boolean.TRUE.equals(lines)) {
            Spot spot = route.lengthSpot() != null ? route.lengthSpot() : hosts.stream()
                    .map(Written::lengthSpot).filter(Objects::nonNull).findFirst().orElseThrow();
            problems.add(spot, "applies only with framing: lines; this route uses framing: stream", null, null);
            return null;
        }
        if (!Boolean.TRUE.equals(lines)) {
            return MessageFraming.STREAM;
        }
        return MessageFraming.lines(length == null ? MessageFraming.DEFAULT_MAX_LINE_LENGTH : length);
    }

    private static <T> T agreed(T routeValue, List<Written> hosts, Function<Written, T> value,
                                Function<Written, Spot> spot, String option, Problems problems) {
        T settled = routeValue;
        String whose = "the route's";
        for (Written host : hosts) {
            T mine = value.apply(host);
            if (mine == null) {
                continue;
            }
            if (settled == null) {
                settled = mine;
                whose = "another host's";
            } else if (!settled.equals(mine)) {
                problems.add(spot.apply(host), "%s differs from %s %s %s; every host of a route frames alike "
                        .formatted(show(mine), whose, option, show(settled)) + "(a client cannot choose its host)",
                        null, null);
            }
        }
        return settled;
    }

    private static String show(Object value) {
        return value instanceof Boolean lines ? (lines ? "'lines'" : "'stream'") : value + " bytes";
    }
}
