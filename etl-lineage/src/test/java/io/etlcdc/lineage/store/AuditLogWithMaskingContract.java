package io.etlcdc.lineage.store;

import io.etlcdc.core.lineage.AuditEntry;
import io.etlcdc.core.lineage.AuditQuery;
import io.etlcdc.core.spi.AuditLog;
import io.etlcdc.core.testing.AuditLogContractTest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The core contract plus what this module's logs add: masking, exact times, prefix escaping, newest-within-limit. */
abstract class AuditLogWithMaskingContract extends AuditLogContractTest {

    @Test
    void secretsNeverReachTheLog() throws Exception {
        try (AuditLog log = newLog()) {
            log.append(new AuditEntry(0, Instant.parse("2026-01-01T00:00:00Z"), "admin", "source.connect", "pg",
                    Map.of("connection_string", "postgresql://user:s3cret-pass@db/main", "password", "hunter2", "tables", "users")));
            AuditEntry read = log.query(AuditQuery.all()).get(0);
            assertThat(read.details().toString()).doesNotContain("s3cret-pass").doesNotContain("hunter2");
            assertThat(read.details()).containsEntry("connection_string", "postgresql://user:****@db/main")
                    .containsEntry("password", "****").containsEntry("tables", "users");
        }
    }

    @Test
    void timesReadBackExactlyAsReturnedByAppend() throws Exception {
        try (AuditLog log = newLog()) {
            AuditEntry appended = log.append(new AuditEntry(0, Instant.parse("2026-01-01T00:00:00.123456789Z"), null, "rule.add",
                    "r", null));
            AuditEntry read = log.query(AuditQuery.all()).get(0);
            assertThat(read.time()).isEqualTo(appended.time()).isEqualTo(Instant.parse("2026-01-01T00:00:00.123456Z"));
            assertThat(read.actor()).isEqualTo("system");
            assertThat(read.id()).isEqualTo(appended.id());
        }
    }

    @Test
    void aPrefixQueryTakesUnderscoresAndPercentLiterally() throws Exception {
        try (AuditLog log = newLog()) {
            log.append(new AuditEntry(0, Instant.parse("2026-01-01T00:00:00Z"), "a", "quality_rule.add", "x", Map.of()));
            log.append(new AuditEntry(0, Instant.parse("2026-01-01T00:00:01Z"), "a", "qualityXrule.add", "x", Map.of()));
            log.append(new AuditEntry(0, Instant.parse("2026-01-01T00:00:02Z"), "a", "quality.rule.add", "x", Map.of()));
            assertThat(log.query(new AuditQuery(null, null, "quality_*", null, 10))).extracting(AuditEntry::action)
                    .containsExactly("quality_rule.add");
            assertThat(log.query(new AuditQuery(null, null, "quality.*", "x", 10))).extracting(AuditEntry::action)
                    .containsExactly("quality.rule.add");
            assertThat(log.query(new AuditQuery(null, null, "*", null, 10))).hasSize(3);
        }
    }
}
