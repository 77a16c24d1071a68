package io.sluice.tunnel.config;

import io.sluice.tunnel.config.ConfigOption.Place;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Checks the keys of one mapping against the options valid at its place: unknown keys get a near-miss suggestion or
 * the allowed list; known but unsupported options are rejected with the reason. Stateless.
 */
final class OptionKeys {
    static final String SPAWNER_LATER = "not supported yet (spawning arrives with the spawner)";
    static final String NOT_YET = "not supported yet";

    private OptionKeys() {
    }

    /** Reports every key that is not a supported option at {@code place}; returns whether all keys were fine. */
    static boolean check(Fields fields, Place place, Problems problems) {
        boolean ok = true;
        List<String> valid = ConfigOption.keysAt(place);
        for (String key : fields.keys()) {
            Optional<ConfigOption> option = ConfigOption.find(place, key);
            if (option.isPresent() && option.get().supported()) {
                continue;
            }
            ok = false;
            String path = fields.pathOf(key);
            if (option.isPresent()) {
                boolean spawner = place == Place.HOST || place == Place.ROUTE;
                problems.add(fields.keyNode(key), path, spawner ? SPAWNER_LATER : NOT_YET);
            } else if (place == Place.ROUTE && ConfigOption.find(Place.HOST, key).isPresent()) {
                problems.add(fields.keyNode(key), path, ("'%s' is a host option, not a route option; list the hosts"
                        + " under 'hosts:' (long form) or write the route as a list of hosts (short form)")
                        .formatted(key));
            } else {
                String suggestion = NearMiss.suggest(key, valid);
                problems.add(fields.keyNode(key), path, "unknown option '%s'".formatted(key),
                        suggestion == null ? supportedAt(place) : null, suggestion);
            }
        }
        return ok;
    }

    private static String supportedAt(Place place) {
        return String.join(", ", Arrays.stream(ConfigOption.values())
                .filter(o -> o.place() == place && o.supported()).map(ConfigOption::key).toList());
    }
}
