package io.etlcdc.schema.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One version of a subject as a {@link SchemaStore} keeps it.
 *
 * @param subject      the subject
 * @param version      1, 2, ...
 * @param schemaId     the {@link StoredSchema#id()} it holds
 * @param registeredAt when it was added
 */
public record StoredVersion(String subject, int version, long schemaId, Instant registeredAt) {
    public StoredVersion {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(registeredAt, "registeredAt");
    }
}
