package io.sluice.tunnel.admin;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One request to the admin listener as an endpoint sees it: the decoded path, the query parameters (a parameter
 * without value, such as {@code ?full}, maps to an empty list entry) and the {@code Accept} header ("" when absent).
 */
public record AdminRequest(String path, Map<String, List<String>> parameters, String accept) {
    public AdminRequest {
        Objects.requireNonNull(path, "path");
        parameters = Map.copyOf(parameters);
        Objects.requireNonNull(accept, "accept");
    }

    public boolean has(String parameter) {
        return parameters.containsKey(parameter);
    }
}
