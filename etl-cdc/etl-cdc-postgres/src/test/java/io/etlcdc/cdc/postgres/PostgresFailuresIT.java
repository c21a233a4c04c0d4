package io.etlcdc.cdc.postgres;

import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.connectors.MemoryOffsetStore;
import io.etlcdc.core.connectors.MemorySink;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.pipeline.Pipeline;
import io.etlcdc.core.pipeline.PipelineStatus;
import io.etlcdc.core.pipeline.SourceState;
import io.etlcdc.core.spi.HealthStatus;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.Source;
import io.etlcdc.core.spi.SourceHealth;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.etlcdc.core.testing.ChangeEventAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The failures CDC users hit most, each against embedded PostgreSQL; the database restart runs last. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresFailuresIT {
    protected PgTestDatabase db;

    @BeforeAll
    void startDatabase() throws Exception {
        db = new PgTestDatabase();
    }

    @AfterAll
    void stopDatabase() throws Exception {
        db.close();
    }

    /** The engine under test: {@code debezium} here, {@code native} in {@link NativePostgresFailuresIT}. */
    protected String engine() {
        return "debezium";
    }

    protected Source source(String id, List<String> tables, Map<String, Object> extra) {
        Map<String, Object> config = new java.util.HashMap<>(extra);
        config.put("engine", engine());
        return db.source(id, tables, config);
    }

    protected static Pipeline pipeline(String id, Source source, MemorySink sink, MemoryOffsetStore offsets) {
        Pipeline p = Pipeline.builder().name(id).source(id, source).sink("mem", sink).offsetStore(offsets)
                .stopTimeout(Duration.ofSeconds(30)).build();
        p.start();
        return p;
    }

    protected static List<ChangeEvent> of(MemorySink sink, String collection) {
        return sink.events().stream().filter(e -> e.collection().equals(collection)).toList();
    }

    protected static void awaitSize(MemorySink sink, String collection, int n) {
        await().atMost(180, TimeUnit.SECONDS).pollInterval(50, TimeUnit.MILLISECONDS).until(() -> of(sink, collection).size() >= n);
    }

    protected long query(String sql) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static PipelineStatus.SourceStatus status(Pipeline p, String id) {
        return p.status().sources().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    @Order(1)
    void heartbeatsKeepTheSlotMovingWhileCapturedTablesAreIdle() throws Exception {
        db.sql("CREATE TABLE hb_items (id int PRIMARY KEY, v text)", "CREATE TABLE hb_noise (id serial PRIMARY KEY, pad text)");
        MemorySink sink = new MemorySink();
        Source source = source("pg_hb", List.of("hb_items"), Map.of());
        try (Pipeline p = pipeline("pg_hb", source, sink, new MemoryOffsetStore())) {
            db.sql("INSERT INTO hb_items VALUES (1, 'x')");
            awaitSize(sink, "public.hb_items", 1);
            // WAL grows through a table that is not captured; the captured one stays idle
            db.sql("INSERT INTO hb_noise (pad) SELECT repeat('n', 500) FROM generate_series(1, 2000)");
            long walAfterNoise = query("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint");
            await().atMost(120, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS).until(() ->
                    query("SELECT (confirmed_flush_lsn - '0/0'::pg_lsn)::bigint FROM pg_replication_slots WHERE slot_name = 'etl_pg_hb'")
                            >= walAfterNoise);
            await().atMost(120, TimeUnit.SECONDS).until(() -> source.health().details().containsKey("wal_retained_bytes"));
            SourceHealth health = source.health();
            assertThat(health.status()).isEqualTo(HealthStatus.UP);
            assertThat(health.connected()).isTrue();
            assertThat(health.lagMillis()).isBetween(0L, 30_000L);
            assertThat(((Number) health.details().get("wal_retained_bytes")).longValue()).isGreaterThanOrEqualTo(0);
        }
        assertThat(of(sink, "public.hb_items")).hasSize(1);
        assertThat(sink.events()).noneMatch(e -> e.collection().startsWith("etl_cdc."));
    }

    @Test
    @Order(2)
    void unchangedToastValuesAreMarkedUnchangedNotDeliveredAsValues() throws Exception {
        db.sql("CREATE TABLE docs (id int PRIMARY KEY, title text, body text)");
        MemorySink sink = new MemorySink();
        try (Pipeline p = pipeline("pg_toast", source("pg_toast", List.of("docs"), Map.of()), sink, new MemoryOffsetStore())) {
            db.sql("INSERT INTO docs SELECT 1, 't1', string_agg(md5(random()::text), '') FROM generate_series(1, 400)");
            awaitSize(sink, "public.docs", 1);
            db.sql("UPDATE docs SET title = 't2' WHERE id = 1");
            awaitSize(sink, "public.docs", 2);
        }
        List<ChangeEvent> events = of(sink, "public.docs");
        assertThat((String) events.get(0).after().get("body")).hasSize(400 * 32);
        assertThat(events.get(1)).hasOperation(Operation.UPDATE).hasAfterField("title", "t2").hasUnchangedField("body");
        assertThat(events.get(1).after()).doesNotContainValue("__debezium_unavailable_value");
    }

    @Test
    @Order(3)
    void oneFailingTableIsReportedAndDoesNotBlockTheOthers() throws Exception {
        db.sql("CREATE TABLE good_items (id int PRIMARY KEY)", "CREATE TABLE keyless_items (v int)");
        MemorySink sink = new MemorySink();
        Source source = source("pg_tables", List.of("good_items", "keyless_items", "missing_items"), Map.of());
        try (Pipeline p = pipeline("pg_tables", source, sink, new MemoryOffsetStore())) {
            db.sql("INSERT INTO good_items VALUES (1)", "INSERT INTO keyless_items VALUES (1)", "UPDATE keyless_items SET v = 2");
            awaitSize(sink, "public.good_items", 1);
            SourceHealth health = source.health();
            assertThat(health.status()).isEqualTo(HealthStatus.DEGRADED);
            assertThat(health.tableErrors()).containsOnlyKeys("public.keyless_items", "public.missing_items");
            assertThat(health.tableErrors().get("public.keyless_items")).contains("no primary key").contains("replica_identity: full");
            assertThat(health.tableErrors().get("public.missing_items")).contains("does not exist");
        }
        assertThat(of(sink, "public.keyless_items")).isEmpty();
    }

    @Test
    @Order(4)
    void aReSnapshotOnRequestDeliversTheTableAgainAfterEverythingBefore() throws Exception {
        db.sql("CREATE TABLE resnap (id int PRIMARY KEY, v text)", "INSERT INTO resnap VALUES (1, 'a'), (2, 'b')");
        MemorySink sink = new MemorySink();
        Source source = source("pg_resnap", List.of("resnap"), Map.of());
        try (Pipeline p = pipeline("pg_resnap", source, sink, new MemoryOffsetStore())) {
            awaitSize(sink, "public.resnap", 2);
            db.sql("UPDATE resnap SET v = 'b2' WHERE id = 2");
            awaitSize(sink, "public.resnap", 3);
            p.requestSnapshot("pg_resnap", List.of("resnap"));
            awaitSize(sink, "public.resnap", 5);
            db.sql("INSERT INTO resnap VALUES (3, 'c')");
            awaitSize(sink, "public.resnap", 6);
        }
        List<ChangeEvent> events = of(sink, "public.resnap");
        assertThat(events.subList(3, 5)).allMatch(ChangeEvent::snapshot);
        assertThat(events.get(4).after()).containsEntry("v", "b2");
        assertThat(events.get(5)).hasOperation(Operation.INSERT).isSnapshot(false);
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i)).hasPositionAfter(events.get(i - 1).position());
        }
    }

    @Test
    @Order(5)
    void aSlotDroppedBehindOurBackIsPositionLostAndWhenNeededReSnapshots() throws Exception {
        db.sql("CREATE TABLE lost_items (id int PRIMARY KEY)", "INSERT INTO lost_items VALUES (1)");
        MemorySink sink = new MemorySink();
        MemoryOffsetStore offsets = new MemoryOffsetStore();
        try (Pipeline p = pipeline("pg_lost", source("pg_lost", List.of("lost_items"), Map.of()), sink, offsets)) {
            db.sql("INSERT INTO lost_items VALUES (2)");
            awaitSize(sink, "public.lost_items", 2);
            // someone drops the slot while we stream
            await().atMost(120, TimeUnit.SECONDS).pollInterval(100, TimeUnit.MILLISECONDS).ignoreExceptions().until(() -> {
                db.sql("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = 'etl_pg_lost' AND active_pid IS NOT NULL",
                        "SELECT pg_drop_replication_slot('etl_pg_lost')");
                return true;
            });
            db.sql("INSERT INTO lost_items VALUES (3)");
            await().atMost(180, TimeUnit.SECONDS).until(() -> status(p, "pg_lost").state() == SourceState.FAILED);
            assertThat(status(p, "pg_lost").error()).contains("POSITION_LOST").contains("snapshot_mode: when_needed");
        }
        assertThat(of(sink, "public.lost_items")).hasSize(2);
        // the remedy: start again with snapshot_mode when_needed -> a new snapshot after everything delivered
        try (Pipeline p = pipeline("pg_lost", source("pg_lost", List.of("lost_items"), Map.of("snapshot_mode", "when_needed")),
                sink, offsets)) {
            awaitSize(sink, "public.lost_items", 5);
        }
        List<ChangeEvent> events = of(sink, "public.lost_items");
        assertThat(events.subList(2, 5)).allMatch(ChangeEvent::snapshot);
        assertThat(events.subList(2, 5).stream().map(e -> e.key().get("id")).collect(Collectors.toSet())).isEqualTo(Set.of(1, 2, 3));
        assertThat(events.get(2)).hasPositionAfter(events.get(1).position());
    }

    @Test
    @Order(6)
    void badInputIsReportedAtConnectWithWhatToFix() throws Exception {
        PostgresSourceProvider provider = new PostgresSourceProvider();
        db.sql("CREATE TABLE bad_input (id int PRIMARY KEY)");
        assertThatThrownBy(() -> provider.checkConnection(context(db.connectionString(), List.of("bad_input", "nope"))))
                .isInstanceOf(EtlException.class).hasMessageContaining("unknown table(s) public.nope").hasMessageContaining("bad_input")
                .satisfies(e -> assertThat(((EtlException) e).code()).isEqualTo(ErrorCode.CONFIG_INVALID));
        assertThatThrownBy(() -> provider.checkConnection(context("postgresql://postgres:secret@localhost:1/postgres", List.of("bad_input"))))
                .isInstanceOf(EtlException.class).hasMessageContaining("cannot reach PostgreSQL at localhost:1").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> provider.checkConnection(context("mysql://u:p@localhost/db", List.of("x"))))
                .isInstanceOf(EtlException.class).hasMessageContaining("expected a postgresql:// URL");
        db.sql("DROP ROLE IF EXISTS plain_user", "CREATE ROLE plain_user LOGIN");
        assertThatThrownBy(() -> provider.checkConnection(context("postgresql://plain_user@localhost:" + db.port() + "/postgres",
                List.of("bad_input"))))
                .hasMessageContaining("lacks the REPLICATION privilege").hasMessageContaining("ALTER ROLE plain_user WITH REPLICATION")
                .hasMessageContaining("GRANT SELECT ON public.bad_input TO plain_user");
        provider.checkConnection(context(db.connectionString(), List.of("bad_input")));
        try (EmbeddedPostgres replicaLevel = EmbeddedPostgres.builder().start()) {
            String url = "postgresql://postgres@localhost:" + replicaLevel.getPort() + "/postgres";
            assertThatThrownBy(() -> provider.checkConnection(context(url, List.of())))
                    .hasMessageContaining("wal_level is 'replica'").hasMessageContaining("ALTER SYSTEM SET wal_level = logical");
        }
    }

    private static ProviderContext context(String url, List<String> tables) {
        return ProviderContext.of(new ConnectorDefinition("check", "postgresql", url, Map.of("tables", tables)));
    }

    @Test
    @Order(10)
    void aDatabaseRestartIsSurvivedWithNothingLost() throws Exception {
        db.sql("CREATE TABLE restart_items (id int PRIMARY KEY)");
        MemorySink sink = new MemorySink();
        Source source = source("pg_restart", List.of("restart_items"), Map.of());
        try (Pipeline p = pipeline("pg_restart", source, sink, new MemoryOffsetStore())) {
            for (int i = 1; i <= 20; i++) {
                db.sql("INSERT INTO restart_items VALUES (" + i + ")");
            }
            awaitSize(sink, "public.restart_items", 20);
            db.stopServer();
            await().atMost(120, TimeUnit.SECONDS).until(() -> !source.health().connected());
            assertThat(source.health().status()).isEqualTo(HealthStatus.DOWN);
            db.startServer();
            for (int i = 21; i <= 40; i++) {
                db.sql("INSERT INTO restart_items VALUES (" + i + ")");
            }
            awaitSize(sink, "public.restart_items", 40);
            Thread.sleep(300);
            assertThat(status(p, "pg_restart").state()).isEqualTo(SourceState.RUNNING);
            assertThat(source.health().connected()).isTrue();
        }
        List<Object> ids = of(sink, "public.restart_items").stream().map(e -> e.key().get("id")).toList();
        assertThat(ids).hasSize(40).doesNotHaveDuplicates();
        assertThat(ids).containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 40).boxed().map(i -> (Object) i).toList());
    }
}
