package io.etlcdc.lineage.store;

import io.etlcdc.core.config.Secrets;
import io.etlcdc.core.lineage.AuditEntry;

import java.time.temporal.ChronoUnit;

/** What every audit log does to an entry before keeping it. */
final class AuditEntries {
    private AuditEntries() {}

    /**
     * Masks secrets in the target and details (callers should already have; a leak here would be
     * permanent, since the log is append-only) and cuts the time to microseconds, the precision
     * the SQL databases keep, so an entry reads back exactly as it was returned.
     */
    static AuditEntry sanitize(AuditEntry e) {
        return new AuditEntry(e.id(), e.time().truncatedTo(ChronoUnit.MICROS), e.actor(), e.action(),
                Secrets.maskText(e.target()), Secrets.maskValues(e.details()));
    }
}
