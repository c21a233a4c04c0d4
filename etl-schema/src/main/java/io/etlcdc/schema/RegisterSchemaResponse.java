package io.etlcdc.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Answer of {@code POST /api/v1/schema/register} (200): {@code {"subject", "version", "id"}}.
 *
 * @param subject the subject
 * @param version the subject's version now holding the schema (the existing one when it was identical)
 * @param id      the schema's global id, shared by every subject that registered the same schema
 */
public record RegisterSchemaResponse(
        @JsonProperty("subject") String subject,
        @JsonProperty("version") int version,
        @JsonProperty("id") long id) {
}
