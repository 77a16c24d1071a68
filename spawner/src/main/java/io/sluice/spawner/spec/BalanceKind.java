package io.sluice.spawner.spec;

import java.util.Arrays;
import java.util.Optional;

/** The balance policies by their config names; {@code fair} is lighttpd's alias of least-connection. */
public enum BalanceKind {
    LEAST_CONNECTION("least-connection"),
    ROUND_ROBIN("round-robin"),
    HASH("hash"),
    STICKY("sticky");

    /** Every name the {@code balance} option accepts, in documentation order. */
    public static final String ALLOWED = "fair, least-connection, round-robin, hash, sticky";

    private final String configName;

    BalanceKind(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** Exact, case-sensitive match as lighttpd; empty when the name is not a policy. */
    public static Optional<BalanceKind> fromConfig(String name) {
        if ("fair".equals(name)) {
            return Optional.of(LEAST_CONNECTION);
        }
        return Arrays.stream(values()).filter(k -> k.configName.equals(name)).findFirst();
    }
}
