package io.etlcdc.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * Body of the 409 answer of {@code POST /api/v1/schema/register} when the subject's mode refuses the
 * schema: {@code {"error", "incompatibilities": [{"path", "message"}]}}.
 *
 * @param error             one line: subject, mode and that the schema was refused
 * @param incompatibilities every reason
 */
public record IncompatibleSchemaResponse(
        @JsonProperty("error") String error,
        @JsonProperty("incompatibilities") List<Incompatibility> incompatibilities) {

    public IncompatibleSchemaResponse {
        incompatibilities = incompatibilities == null ? List.of() : List.copyOf(incompatibilities);
    }
}
