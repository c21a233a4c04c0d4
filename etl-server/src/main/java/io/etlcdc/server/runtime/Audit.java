package io.etlcdc.server.runtime;

import io.etlcdc.core.config.Secrets;
import io.etlcdc.core.lineage.AuditEntry;
import io.etlcdc.core.lineage.AuditQuery;
import io.etlcdc.core.spi.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Writes the audit trail: every operation with time, actor, action, target and details, secrets
 * masked before they are stored. Never fails the operation it records.
 */
public final class Audit {
    private static final Logger LOG = LoggerFactory.getLogger(Audit.class);

    private final AuditLog log;
    private final Clock clock;

    public Audit(AuditLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    public void record(String actor, String action, String target, Map<String, Object> details) {
        AuditEntry entry = new AuditEntry(0, clock.instant(), actor, action, target == null ? "" : Secrets.maskText(target),
                Secrets.maskValues(details == null ? Map.of() : details));
        try {
            log.append(entry);
        } catch (RuntimeException e) {
            LOG.warn("could not write audit entry {} {}: {}", action, target, e.toString());
        }
    }

    public List<AuditEntry> query(AuditQuery query) {
        return log.query(query);
    }
}
