package io.sluice.tunnel.config;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Computes a spawned program's environment by lighttpd's rules: without {@code bin-copy-environment} the whole of
 * Sluice's environment, with it only the listed names that Sluice has; then {@code bin-environment} on top; then
 * {@code PHP_FCGI_CHILDREN=1} unless already set. Stateless.
 */
final class ChildEnvironment {
    static final String PHP_FCGI_CHILDREN = "PHP_FCGI_CHILDREN";

    private ChildEnvironment() {
    }

    /**
     * The child's variables, sorted by name.
     *
     * @param sluice    Sluice's own environment
     * @param copy      the {@code bin-copy-environment} names, or null when the option is absent (inherit all)
     * @param overrides the {@code bin-environment} variables
     */
    static Map<String, String> of(Map<String, String> sluice, List<String> copy, Map<String, String> overrides) {
        Map<String, String> env = new TreeMap<>();
        if (copy == null) {
            env.putAll(sluice);
        } else {
            for (String name : copy) {
                String value = sluice.get(name);
                if (value != null) {
                    env.put(name, value);
                }
            }
        }
        env.putAll(overrides);
        env.putIfAbsent(PHP_FCGI_CHILDREN, "1");
        return env;
    }
}
