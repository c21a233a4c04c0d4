package io.etlcdc.schema.store;

import io.etlcdc.schema.SchemaType;

import java.util.Objects;

/**
 * A schema as a {@link SchemaStore} keeps it.
 *
 * @param id          global id, unique across subjects
 * @param type        its format
 * @param fingerprint SHA-256 of type and canonical text (unique)
 * @param canonical   the canonical text
 */
public record StoredSchema(long id, SchemaType type, String fingerprint, String canonical) {
    public StoredSchema {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(canonical, "canonical");
    }
}
