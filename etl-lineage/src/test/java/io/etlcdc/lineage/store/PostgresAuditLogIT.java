package io.etlcdc.lineage.store;

import io.etlcdc.core.lineage.AuditEntry;
import io.etlcdc.core.lineage.AuditQuery;
import io.etlcdc.core.spi.AuditLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link JdbcAuditLog} on a real PostgreSQL (one server for the class, a fresh table per test). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresAuditLogIT extends AuditLogWithMaskingContract {
    private EmbeddedPostgresServer pg;
    private final Map<AuditLog, String> prefixes = new IdentityHashMap<>();

    @BeforeAll
    void startServer() throws Exception {
        pg = new EmbeddedPostgresServer();
    }

    @AfterAll
    void stopServer() throws Exception {
        pg.close();
    }

    @Override
    protected AuditLog newLog() {
        return open(EmbeddedPostgresServer.freshPrefix());
    }

    private AuditLog open(String prefix) {
        AuditLog log = new JdbcAuditLog(pg.dataSource(), prefix);
        prefixes.put(log, prefix);
        return log;
    }

    @Override
    protected AuditLog reopen(AuditLog log) throws Exception {
        log.close();
        return open(prefixes.get(log));
    }

    @Test
    void entriesSurviveAServerRestart() throws Exception {
        String prefix = EmbeddedPostgresServer.freshPrefix();
        AuditLog log = open(prefix);
        AuditEntry first = log.append(new AuditEntry(0, Instant.parse("2026-01-01T00:00:00Z"), "ops", "pipeline.start", "main", Map.of()));

        pg.restart();

        AuditLog again = open(prefix);
        assertThat(again.query(AuditQuery.all())).singleElement().satisfies(e -> {
            assertThat(e.id()).isEqualTo(first.id());
            assertThat(e.actor()).isEqualTo("ops");
            assertThat(e.time()).isEqualTo(first.time());
        });
        assertThat(again.append(new AuditEntry(0, Instant.parse("2026-01-01T00:00:01Z"), "ops", "pipeline.stop", "main", Map.of())).id())
                .isGreaterThan(first.id());
    }
}
