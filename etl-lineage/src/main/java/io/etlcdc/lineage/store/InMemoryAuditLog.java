package io.etlcdc.lineage.store;

import io.etlcdc.core.lineage.AuditEntry;
import io.etlcdc.core.lineage.AuditQuery;
import io.etlcdc.core.spi.AuditLog;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An {@link AuditLog} in memory (lost on restart): for tests and demos. Append-only; secrets in
 * details are masked on append as a second line of defence. Thread-safe.
 */
public final class InMemoryAuditLog implements AuditLog {
    static final Comparator<AuditEntry> ORDER = Comparator.comparing(AuditEntry::time).thenComparingLong(AuditEntry::id);

    private final List<AuditEntry> entries = new ArrayList<>();
    private long nextId = 1;

    @Override
    public synchronized AuditEntry append(AuditEntry entry) {
        AuditEntry stored = AuditEntries.sanitize(entry).withId(nextId++);
        entries.add(stored);
        return stored;
    }

    @Override
    public synchronized List<AuditEntry> query(AuditQuery query) {
        List<AuditEntry> matching = new ArrayList<>();
        for (AuditEntry e : entries) {
            if (query.matches(e)) {
                matching.add(e);
            }
        }
        matching.sort(ORDER);
        int from = Math.max(0, matching.size() - query.limit());
        return List.copyOf(matching.subList(from, matching.size()));
    }
}
