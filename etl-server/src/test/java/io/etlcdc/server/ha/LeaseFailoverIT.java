package io.etlcdc.server.ha;

import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.connectors.MemoryDeadLetterSink;
import io.etlcdc.core.connectors.MemoryStateStore;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.jdbc.JdbcOffsetStore;
import io.etlcdc.core.pipeline.PipelineState;
import io.etlcdc.server.plugins.Registries;
import io.etlcdc.lineage.AuditTrail;
import io.etlcdc.lineage.store.InMemoryAuditLog;
import io.etlcdc.server.runtime.PipelineManager;
import io.etlcdc.server.state.DefinitionStore;
import io.etlcdc.server.testing.SharedSinkProvider;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two replicas in one JVM sharing a PostgreSQL state database: one owns the pipeline, the other takes
 * over when the owner stops renewing, and the fencing token keeps the stale owner from committing.
 */
class LeaseFailoverIT {
    private static EmbeddedPostgres postgres;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    private record Replica(PipelineManager manager, PipelineLease lease) {}

    private Replica replica(String id, Duration ttl) {
        DataSource ds = postgres.getPostgresDatabase();
        PipelineLease lease = new PipelineLease(ds, "pipeline", id, ttl);
        var offsets = new FencedOffsetStore(new JdbcOffsetStore(ds), ds, lease);
        Registries registries = Registries.of(getClass().getClassLoader(), List.of());
        PipelineManager m = new PipelineManager(new PipelineManager.Parts(registries, new DefinitionStore(ds), offsets,
                new MemoryStateStore(), ds, new MemoryDeadLetterSink(), null, new AuditTrail(new InMemoryAuditLog(), Clock.systemUTC()),
                dir.resolve(id), 1000, Clock.systemUTC(), PipelineManager.Stages::none, List.of(), List.of(), lease, null, null));
        return new Replica(m, lease);
    }

    @Test
    void aReplicaTakesOverWhenTheOwnerStopsRenewingAndTheOldOwnerCannotCommit() throws Exception {
        Duration ttl = Duration.ofSeconds(3);
        Replica a = replica("replica-a", ttl);
        Replica b = replica("replica-b", ttl);
        a.manager().startReconciling(Duration.ofMillis(300));
        a.manager().connectSink(new ConnectorDefinition("wh", "test-shared", null, Map.of("name", "ha")), "test");
        a.manager().connectSource(new ConnectorDefinition("pg", "test-counter", "counter://u:p@h/db",
                Map.of("count", 50, "continuous", true)), "test");
        a.manager().startSource("pg", List.of(), "test");
        b.manager().startReconciling(Duration.ofMillis(300));
        await().atMost(30, TimeUnit.SECONDS).until(() -> SharedSinkProvider.WRITTEN.getOrDefault("ha", List.of()).size() > 200);
        assertThat(a.lease().isOwner()).isTrue();
        assertThat(b.lease().isOwner()).isFalse();
        assertThat(b.manager().status()).as("no pipeline on the standby").isEmpty();
        long tokenA = a.lease().token();

        // the owner freezes: its reconciler (and lease renewal) stops, its pipeline keeps running as a zombie
        var zombie = a.manager();
        java.lang.reflect.Field loop = PipelineManager.class.getDeclaredField("loop");
        loop.setAccessible(true);
        ((java.util.concurrent.ScheduledExecutorService) loop.get(zombie)).shutdownNow();
        long frozeAt = System.nanoTime();

        await().atMost(30, TimeUnit.SECONDS).until(() -> b.lease().isOwner() && b.manager().isRunning());
        double takeoverSeconds = (System.nanoTime() - frozeAt) / 1e9;
        assertThat(b.lease().token()).isGreaterThan(tokenA);
        await().atMost(30, TimeUnit.SECONDS).until(() -> zombie.status().map(s -> s.state() == PipelineState.FAILED).orElse(true));
        assertThat(zombie.lastFailure()).hasValueSatisfying(f -> assertThat(f).contains("no longer owns the pipeline"));

        int before = SharedSinkProvider.WRITTEN.get("ha").size();
        await().atMost(30, TimeUnit.SECONDS).until(() -> SharedSinkProvider.WRITTEN.get("ha").size() > before + 200);

        // the commit log proves that no commit of the old token came after one of the new
        List<long[]> commits = new ArrayList<>();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT seq, token FROM etl_offset_commits ORDER BY seq")) {
            while (rs.next()) {
                commits.add(new long[]{rs.getLong(1), rs.getLong(2)});
            }
        }
        long maxToken = 0;
        int interleaved = 0;
        for (long[] c : commits) {
            if (c[1] < maxToken) {
                interleaved++;
            }
            maxToken = Math.max(maxToken, c[1]);
        }
        // every position reached the sink; replays after the takeover are allowed (sinks upsert), losses are not
        List<ChangeEvent> written = SharedSinkProvider.WRITTEN.get("ha");
        Set<Object> ids = new HashSet<>();
        long maxId = 0;
        for (ChangeEvent e : written) {
            ids.add(e.key().get("id"));
            maxId = Math.max(maxId, ((Number) e.key().get("id")).longValue());
        }
        long missing = 0;
        for (long id = 1; id <= maxId - 100; id++) {
            if (!ids.contains(id)) {
                missing++;
            }
        }
        System.out.printf("failover: takeover %.1f s, commits %d, tokens %d -> %d, commits after a newer token %d, events written %d, missing %d%n",
                takeoverSeconds, commits.size(), tokenA, b.lease().token(), interleaved, written.size(), missing);
        assertThat(interleaved).isZero();
        assertThat(missing).isZero();
        assertThat(takeoverSeconds).isLessThan(30);
        b.manager().close();
        zombie.close();
    }
}
