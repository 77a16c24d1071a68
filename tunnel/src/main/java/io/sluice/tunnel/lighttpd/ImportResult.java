package io.sluice.tunnel.lighttpd;

import java.util.List;

/**
 * What {@link LighttpdImport} made of a lighttpd configuration: the Sluice YAML, and one located warning
 * ({@code FILE:LINE: ...}) per thing it could not translate. Immutable.
 */
public record ImportResult(String yaml, List<String> warnings) {
    public ImportResult {
        warnings = List.copyOf(warnings);
    }
}
