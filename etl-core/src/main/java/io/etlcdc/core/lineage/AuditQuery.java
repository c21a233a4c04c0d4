package io.etlcdc.core.lineage;

import java.time.Instant;

/**
 * Filters for the audit trail; null means "any".
 *
 * @param since  inclusive lower bound
 * @param until  exclusive upper bound
 * @param action exact action, or a prefix ending in {@code *} (e.g. {@code source.*})
 * @param target exact target
 * @param limit  at most this many entries (the newest ones), > 0
 */
public record AuditQuery(Instant since, Instant until, String action, String target, int limit) {
    public AuditQuery {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be > 0, got " + limit);
        }
    }

    public static AuditQuery all() {
        return new AuditQuery(null, null, null, null, 1000);
    }

    /** Whether an entry passes the filters (for stores that filter in memory). */
    public boolean matches(AuditEntry e) {
        if (since != null && e.time().isBefore(since)) {
            return false;
        }
        if (until != null && !e.time().isBefore(until)) {
            return false;
        }
        if (action != null) {
            boolean ok = action.endsWith("*") ? e.action().startsWith(action.substring(0, action.length() - 1))
                    : e.action().equals(action);
            if (!ok) {
                return false;
            }
        }
        return target == null || target.equals(e.target());
    }
}
