package io.etlcdc.server.runtime;

import io.etlcdc.core.lineage.AuditEntry;
import io.etlcdc.core.lineage.AuditQuery;
import io.etlcdc.core.spi.AuditLog;

import java.util.ArrayList;
import java.util.List;

/** An audit log in memory, for embedding and tests; the server uses the persistent one from etl-lineage. */
public final class InMemoryAuditLog implements AuditLog {
    private final List<AuditEntry> entries = new ArrayList<>();

    @Override
    public synchronized AuditEntry append(AuditEntry entry) {
        AuditEntry withId = entry.withId(entries.size() + 1L);
        entries.add(withId);
        return withId;
    }

    @Override
    public synchronized List<AuditEntry> query(AuditQuery query) {
        List<AuditEntry> matching = entries.stream().filter(query::matches).toList();
        return List.copyOf(matching.subList(Math.max(0, matching.size() - query.limit()), matching.size()));
    }
}
