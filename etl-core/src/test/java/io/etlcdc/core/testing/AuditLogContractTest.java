package io.etlcdc.core.testing;

import io.etlcdc.core.lineage.AuditEntry;
import io.etlcdc.core.lineage.AuditQuery;
import io.etlcdc.core.spi.AuditLog;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link AuditLog} must do. */
public abstract class AuditLogContractTest {

    protected abstract AuditLog newLog() throws Exception;

    /** The same log opened again; null when not persistent. */
    protected abstract AuditLog reopen(AuditLog log) throws Exception;

    private static AuditEntry entry(String time, String action, String target) {
        return new AuditEntry(0, Instant.parse(time), "admin", action, target, Map.of("k", "v"));
    }

    @Test
    void appendAssignsIncreasingIdsAndQueryFilters() throws Exception {
        try (AuditLog log = newLog()) {
            AuditEntry a = log.append(entry("2026-01-01T00:00:00Z", "source.connect", "pg"));
            AuditEntry b = log.append(entry("2026-01-01T00:01:00Z", "source.start", "pg"));
            AuditEntry c = log.append(entry("2026-01-01T00:02:00Z", "rule.add", "mask_email"));
            assertThat(b.id()).isGreaterThan(a.id());
            assertThat(c.id()).isGreaterThan(b.id());
            assertThat(log.query(AuditQuery.all())).extracting(AuditEntry::action)
                    .containsExactly("source.connect", "source.start", "rule.add");
            assertThat(log.query(new AuditQuery(null, null, "source.*", null, 100))).hasSize(2);
            assertThat(log.query(new AuditQuery(null, null, null, "mask_email", 100))).singleElement()
                    .extracting(AuditEntry::action).isEqualTo("rule.add");
            assertThat(log.query(new AuditQuery(Instant.parse("2026-01-01T00:01:00Z"), Instant.parse("2026-01-01T00:02:00Z"), null, null, 100)))
                    .extracting(AuditEntry::action).containsExactly("source.start");
            assertThat(log.query(new AuditQuery(null, null, null, null, 2))).extracting(AuditEntry::action)
                    .containsExactly("source.start", "rule.add");
            assertThat(log.query(AuditQuery.all()).get(0).details()).containsEntry("k", "v");
        }
    }

    @Test
    void entriesSurviveAReopen() throws Exception {
        AuditLog log = newLog();
        log.append(entry("2026-01-01T00:00:00Z", "pipeline.start", "pipeline"));
        AuditLog again = reopen(log);
        if (again == null) {
            log.close();
            return;
        }
        try (again) {
            assertThat(again.query(AuditQuery.all())).extracting(AuditEntry::action).containsExactly("pipeline.start");
            AuditEntry next = again.append(entry("2026-01-01T00:01:00Z", "pipeline.stop", "pipeline"));
            assertThat(next.id()).isGreaterThan(again.query(AuditQuery.all()).get(0).id());
        }
    }
}
