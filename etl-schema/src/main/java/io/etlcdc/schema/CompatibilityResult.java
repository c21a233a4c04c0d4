package io.etlcdc.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Objects;

/**
 * Answer of {@code POST /api/v1/schema/check-compatibility} (200):
 * {@code {"compatible": true|false, "mode": "...", "incompatibilities": [{"path", "message"}]}}.
 *
 * @param compatible        true when the subject's mode would accept the schema
 * @param mode              the mode the schema was checked under (the subject's, else the global default)
 * @param incompatibilities every reason it would be refused; empty when compatible
 */
public record CompatibilityResult(
        @JsonProperty("compatible") boolean compatible,
        @JsonProperty("mode") CompatibilityMode mode,
        @JsonProperty("incompatibilities") List<Incompatibility> incompatibilities) {

    public CompatibilityResult {
        Objects.requireNonNull(mode, "mode");
        incompatibilities = incompatibilities == null ? List.of() : List.copyOf(incompatibilities);
    }
}
