package io.etlcdc.lineage;

import io.etlcdc.core.connectors.MemorySink;
import io.etlcdc.core.connectors.MemorySource;
import io.etlcdc.core.lineage.AuditEntry;
import io.etlcdc.core.lineage.AuditQuery;
import io.etlcdc.core.pipeline.Pipeline;
import io.etlcdc.lineage.store.InMemoryAuditLog;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AuditTrailTest {

    @Test
    void recordMasksSecretsAndStampsTheClock() {
        Clock clock = Clock.fixed(Instant.parse("2026-02-02T10:00:00Z"), ZoneOffset.UTC);
        AuditTrail trail = new AuditTrail(new InMemoryAuditLog(), clock);
        AuditEntry e = trail.record("ci-token", AuditActions.SOURCE_CONNECT, "postgres_main",
                Map.of("type", "postgresql", "connection_string", "postgresql://user:pass1234@localhost/db",
                        "config", Map.of("api_key", "abc-secret", "tables", java.util.List.of("users"))));
        assertThat(e.id()).isPositive();
        assertThat(e.time()).isEqualTo(clock.instant());
        assertThat(e.actor()).isEqualTo("ci-token");
        String stored = trail.query(AuditQuery.all()).toString();
        assertThat(stored).doesNotContain("pass1234").doesNotContain("abc-secret").contains("postgresql://user:****@localhost/db")
                .contains("users");
        assertThat(trail.record(null, AuditActions.RULE_ADD, "mask_email", null).actor()).isEqualTo("system");
    }

    @Test
    void theListenerRecordsPipelineStartAndStop() {
        AuditTrail trail = new AuditTrail(new InMemoryAuditLog(), Clock.systemUTC());
        Pipeline p = Pipeline.builder().name("main").source("pg", new MemorySource()).sink("wh", new MemorySink())
                .listener(trail.pipelineListener("main")).stopTimeout(Duration.ofSeconds(30)).build();
        p.start();
        p.stop();
        assertThat(trail.query(new AuditQuery(null, null, "pipeline.*", "main", 10))).extracting(AuditEntry::action)
                .containsExactly(AuditActions.PIPELINE_START, AuditActions.PIPELINE_STOP);
    }
}
