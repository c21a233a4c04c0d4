package io.etlcdc.core.error;

/** What went wrong, in a form that callers (and the REST API) can switch on. */
public enum ErrorCode {
    /** A configuration key is missing, unknown or has a bad value. */
    CONFIG_INVALID,
    /** No provider is registered under the requested type name. */
    UNKNOWN_PROVIDER,
    /** Two providers claim the same type name. */
    DUPLICATE_PROVIDER,
    /** A database, broker or endpoint could not be reached or refused the credentials. */
    CONNECTION_FAILED,
    /** A source failed while capturing. */
    SOURCE_FAILED,
    /** The position needed to resume (replication slot, binlog file, resume token) no longer exists. */
    POSITION_LOST,
    /** A sink could not write a batch. */
    SINK_FAILED,
    /** A transformation rule is invalid or failed on a record. */
    TRANSFORM_FAILED,
    /** A quality check stopped the pipeline. */
    QUALITY_FAILED,
    /** Persisted state (offsets, registry, lineage) could not be read. */
    STATE_CORRUPT,
    /** A schema is not compatible with the subject's compatibility mode. */
    SCHEMA_INCOMPATIBLE,
    /** A named thing (source, rule, asset, subject) does not exist. */
    NOT_FOUND,
    /** A thing with that id already exists. */
    CONFLICT,
    /** A bug or an unexpected state. */
    INTERNAL
}
