package io.etlcdc.schema.store;

import io.etlcdc.schema.CompatibilityMode;
import io.etlcdc.schema.SchemaType;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where the registry keeps schemas, subject versions and compatibility settings. Implementations are
 * thread-safe, and safe for several processes sharing one database: {@link #schemaId} and
 * {@link #addVersion} are atomic. Writes are durable on return.
 */
public interface SchemaStore extends AutoCloseable {

    /** The id of the schema with this fingerprint, storing it under a new id when absent. */
    long schemaId(SchemaType type, String fingerprint, String canonical);

    /** The schema with this id, if any. */
    Optional<StoredSchema> schema(long id);

    /** Every subject with at least one version, sorted. */
    List<String> subjects();

    /** A subject's versions in ascending order; empty when the subject is unknown. */
    List<StoredVersion> versions(String subject);

    /**
     * Adds a version to a subject.
     *
     * @return false when that version number is already taken (another writer was first): re-read and retry
     */
    boolean addVersion(String subject, int version, long schemaId, Instant registeredAt);

    /** The compatibility set for a subject, or with {@code subject == null} the global one; empty when unset. */
    Optional<CompatibilityMode> compatibility(String subject);

    /** Sets the compatibility of a subject, or with {@code subject == null} the global one; {@code mode == null} removes it. */
    void setCompatibility(String subject, CompatibilityMode mode);

    @Override
    default void close() {
    }
}
