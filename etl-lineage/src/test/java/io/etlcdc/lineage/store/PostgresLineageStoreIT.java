package io.etlcdc.lineage.store;

import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.lineage.FlowObservation;
import io.etlcdc.core.lineage.LineageAsset;
import io.etlcdc.core.lineage.LineageEdge;
import io.etlcdc.core.spi.LineageStore;
import io.etlcdc.lineage.LineageService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link JdbcLineageStore} on a real PostgreSQL (one server for the class, fresh tables per test). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresLineageStoreIT extends LineageStoreWithOriginsContract {
    private EmbeddedPostgresServer pg;
    private final Map<LineageStore, String> prefixes = new IdentityHashMap<>();

    @BeforeAll
    void startServer() throws Exception {
        pg = new EmbeddedPostgresServer();
    }

    @AfterAll
    void stopServer() throws Exception {
        pg.close();
    }

    @Override
    protected LineageStore newStore() {
        return open(EmbeddedPostgresServer.freshPrefix());
    }

    private LineageStore open(String prefix) {
        LineageStore store = new JdbcLineageStore(pg.dataSource(), prefix);
        prefixes.put(store, prefix);
        return store;
    }

    @Override
    protected LineageStore reopen(LineageStore store) throws Exception {
        store.close();
        return open(prefixes.get(store));
    }

    @Test
    void lineageSurvivesAServerRestart() throws Exception {
        String prefix = EmbeddedPostgresServer.freshPrefix();
        LineageStore store = open(prefix);
        store.upsertAssets(List.of(new LineageAsset("pg_users", AssetKind.SOURCE_TABLE, "public.users", List.of("id"), Map.of())));
        store.upsertEdges(List.of(new LineageEdge("pg_users", "wh_users", "sink:wh", List.of(), "pg_users")));
        store.recordFlows(List.of(new FlowObservation("pg_users", "wh_users", 42, 1, Instant.parse("2026-01-01T00:00:00Z"))));
        store.close();

        pg.restart();

        try (LineageService again = LineageService.over(open(prefix))) {
            assertThat(again.downstream("pg_users", 1).assets()).extracting(a -> a.id()).containsExactly("wh_users");
            assertThat(again.downstream("pg_users", 1).edges()).singleElement().satisfies(e -> {
                assertThat(e.events()).isEqualTo(42);
                assertThat(e.failures()).isEqualTo(1);
                assertThat(e.origin()).isEqualTo("pg_users");
            });
        }
    }

    @Test
    void replicasAddingToOneHopAtOnceLoseNoCounts() throws Exception {
        String prefix = EmbeddedPostgresServer.freshPrefix();
        LineageStore first = open(prefix);
        LineageStore second = open(prefix);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Void>> writes = IntStream.range(0, 40).mapToObj(i -> (Callable<Void>) () -> {
                (i % 2 == 0 ? first : second).recordFlows(List.of(new FlowObservation("a", "b", 5, 0, Instant.now())));
                return null;
            }).toList();
            for (Future<Void> f : pool.invokeAll(writes)) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(first.flows()).singleElement().satisfies(f -> assertThat(f.events()).isEqualTo(200));
    }
}
