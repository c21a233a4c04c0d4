package io.etlcdc.core.spi;

import io.etlcdc.core.lineage.AuditEntry;
import io.etlcdc.core.lineage.AuditQuery;

import java.util.List;

/**
 * Append-only log of every operation on the pipeline (start/stop, connect, rule added, schema
 * registered, failures). Entries never hold secrets: callers mask before appending. Thread-safe.
 */
public interface AuditLog extends AutoCloseable {

    /** Appends an entry; durable on return for persistent logs. Returns the entry with its id. */
    AuditEntry append(AuditEntry entry);

    /** Entries matching the query, oldest first. */
    List<AuditEntry> query(AuditQuery query);

    @Override
    default void close() throws Exception {
    }
}
