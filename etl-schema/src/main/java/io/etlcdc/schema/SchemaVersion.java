package io.etlcdc.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;
import java.util.Objects;

/**
 * One registered version of a subject, as {@code GET /api/v1/schema/subjects/{subject}/versions/{version|latest}}
 * returns it: {@code {"subject", "version", "id", "schema_type", "schema", "registered_at"}}.
 *
 * @param subject      the subject
 * @param version      1, 2, ... in registration order
 * @param id           the schema's global id
 * @param schema       the schema (serialized as its JSON)
 * @param registeredAt when this version was registered
 */
@JsonPropertyOrder({"subject", "version", "id", "schema_type", "schema", "registered_at"})
public record SchemaVersion(
        @JsonProperty("subject") String subject,
        @JsonProperty("version") int version,
        @JsonProperty("id") long id,
        @JsonProperty("schema") ParsedSchema schema,
        @JsonProperty("registered_at") Instant registeredAt) {

    public SchemaVersion {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
    }

    @JsonProperty("schema_type")
    public SchemaType schemaType() {
        return schema.type();
    }

    /** The reference events carry. */
    public io.etlcdc.core.event.SchemaRef ref() {
        return new io.etlcdc.core.event.SchemaRef(subject, version);
    }
}
