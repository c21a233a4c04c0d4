package io.etlcdc.core.spi;

import java.util.Map;
import java.util.Optional;

/**
 * Small durable key-value state in namespaces, for what must survive a restart besides positions:
 * join lookup tables, running aggregates, dedup windows, source schema history. Values are strings
 * (usually JSON). {@link #putAll} is atomic and durable on return. Thread-safe.
 */
public interface StateStore extends AutoCloseable {

    Optional<String> get(String namespace, String key);

    /** Every entry of a namespace. */
    Map<String, String> getAll(String namespace);

    /** Writes entries atomically; a null value deletes its key. */
    void putAll(String namespace, Map<String, String> entries);

    /** Deletes a whole namespace. */
    void clear(String namespace);

    @Override
    default void close() throws Exception {
    }
}
