package io.etlcdc.lineage.openlineage;

/**
 * Where OpenLineage events go. Implementations must not block the caller for long (the pipeline
 * calls in on state changes) and must never put credentials in logs or errors. Thread-safe.
 */
public interface OpenLineageTransport extends AutoCloseable {

    /** Sends one event, already serialized as one line of JSON. */
    void emit(String eventJson);

    @Override
    default void close() {
    }
}
