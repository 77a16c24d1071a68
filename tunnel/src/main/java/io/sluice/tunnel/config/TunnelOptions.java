package io.sluice.tunnel.config;

import io.sluice.spawner.spec.BalanceKind;
import io.sluice.spawner.spec.InvalidOptionException;
import io.sluice.tunnel.config.Problems.Spot;
import java.time.Duration;
import java.util.List;

/**
 * The tunnel options a route may set and otherwise inherits from {@code wstunnel.*}: balance, frame type, origins,
 * ping interval and pong timeout. Immutable; {@link #read} is used at both places, so the rules are the same.
 */
record TunnelOptions(
        BalanceKind balance,
        FrameType frameType,
        OriginPolicy origins,
        Duration pingInterval,
        Duration pongTimeout) {

    static final TunnelOptions DEFAULTS = new TunnelOptions(BalanceKind.LEAST_CONNECTION, RouteSpec.DEFAULT_FRAME_TYPE,
            OriginPolicy.any(), RouteSpec.DEFAULT_PING_INTERVAL, RouteSpec.DEFAULT_PONG_TIMEOUT);

    /** The options written in {@code f} over {@code inherited}; a bad value is reported and the inherited one kept. */
    static TunnelOptions read(Fields f, TunnelOptions inherited, Problems problems) {
        BalanceKind balance = inherited.balance;
        if (f.has("balance")) {
            String name = Values.string(f.value("balance"), f.pathOf("balance"), problems);
            if (name != null) {
                balance = BalanceKind.fromConfig(name).orElse(null);
                if (balance == null) {
                    problems.add(f.value("balance"), f.pathOf("balance"),
                            "'%s' is not a balance policy".formatted(name), BalanceKind.ALLOWED, null);
                    balance = inherited.balance;
                }
            }
        }
        FrameType frameType = inherited.frameType;
        if (f.has("frame-type")) {
            String name = Values.string(f.value("frame-type"), f.pathOf("frame-type"), problems);
            if (name != null) {
                frameType = FrameType.fromConfig(name).orElse(null);
                if (frameType == null) {
                    problems.add(f.value("frame-type"), f.pathOf("frame-type"),
                            "'%s' is not a frame type".formatted(name), FrameType.ALLOWED, null);
                    frameType = inherited.frameType;
                }
            }
        }
        OriginPolicy origins = inherited.origins;
        if (f.has("origins")) {
            List<String> entries = Values.strings(f.value("origins"), f.pathOf("origins"), problems);
            if (entries != null) {
                try {
                    origins = OriginPolicy.of(entries);
                } catch (InvalidOptionException e) {
                    problems.add(e, option -> {
                        Spot spot = f.spot(option);
                        return spot != null ? spot : f.missing(option);
                    });
                }
            }
        }
        return new TunnelOptions(balance, frameType, origins,
                duration(f, "ping-interval", inherited.pingInterval, problems),
                duration(f, "pong-timeout", inherited.pongTimeout, problems));
    }

    private static Duration duration(Fields f, String key, Duration inherited, Problems problems) {
        Duration d = f.has(key) ? Values.duration(f.value(key), f.pathOf(key), problems) : null;
        return d == null ? inherited : d;
    }
}
