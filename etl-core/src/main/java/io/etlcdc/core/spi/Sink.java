package io.etlcdc.core.spi;

import io.etlcdc.core.event.ChangeEvent;

import java.util.List;

/**
 * Delivers batches of events to a destination.
 *
 * <p><b>Contract.</b>
 * <ul>
 *   <li>{@link #write(List)} returns only when the batch is durable at the destination (committed,
 *   flushed, acknowledged): returning is the acknowledgement after which the source position is
 *   committed. Events of one source arrive in order.</li>
 *   <li>Writes must be idempotent: after a crash the runtime re-delivers events that were written
 *   but not yet committed (upsert by key, keyed idempotent producer, skip by position).</li>
 *   <li>Throw a {@link io.etlcdc.core.error.RetriableEtlException} for transient failures (the
 *   runtime retries with backoff and holds the pipeline); any other exception fails the pipeline
 *   with a message naming the sink. A single record the destination refuses for good can be handed
 *   to {@link SinkContext#deadLetter} instead, and the rest of the batch written.</li>
 * </ul>
 * Called from one pipeline thread at a time; {@link #health()} may be called from any thread.
 */
public interface Sink extends AutoCloseable {

    /** Connects and prepares; called once before the first write. */
    default void open(SinkContext context) throws Exception {
    }

    /** Writes the batch durably. See the class contract. */
    void write(List<ChangeEvent> batch) throws Exception;

    /**
     * The asset name that data of {@code collection} lands in, for lineage: a table, a topic, a file.
     * Default: {@code <sinkId>_<table>}.
     */
    default String assetName(String sinkId, String sourceId, String collection) {
        int dot = collection.lastIndexOf('.');
        return sinkId + "_" + (dot < 0 ? collection : collection.substring(dot + 1));
    }

    /** Current health; must be cheap. */
    default ComponentHealth health() {
        return ComponentHealth.unknown();
    }

    @Override
    default void close() throws Exception {
    }
}
