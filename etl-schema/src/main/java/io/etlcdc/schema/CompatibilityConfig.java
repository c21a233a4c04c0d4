package io.etlcdc.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * Body and answer of {@code PUT/GET /api/v1/schema/config/{subject}} and {@code PUT /api/v1/schema/config}:
 * {@code {"compatibility": "FULL_TRANSITIVE"}}.
 *
 * @param compatibility the mode
 */
public record CompatibilityConfig(@JsonProperty("compatibility") CompatibilityMode compatibility) {
    public CompatibilityConfig {
        Objects.requireNonNull(compatibility, "compatibility");
    }
}
