package io.etlcdc.cdc.mysql;

import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.connectors.FileOffsetStore;
import io.etlcdc.core.connectors.MemoryOffsetStore;
import io.etlcdc.core.connectors.MemorySink;
import io.etlcdc.core.connectors.MemoryStateStore;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.ColumnType;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.jdbc.JdbcStateStore;
import io.etlcdc.core.pipeline.Pipeline;
import io.etlcdc.core.pipeline.PipelineStatus;
import io.etlcdc.core.pipeline.SourceState;
import io.etlcdc.core.spi.HealthStatus;
import io.etlcdc.core.spi.OffsetStore;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.Source;
import io.etlcdc.core.spi.SourceHealth;
import io.etlcdc.core.spi.StateStore;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.etlcdc.core.testing.ChangeEventAssert.assertThat;
import static io.etlcdc.core.testing.Events.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Row changes, TRUNCATE and DDL from a real MariaDB, the schema history across restarts, and the failures
 * users hit most (bad input, a purged binlog, a database restart, which runs last). One server for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MySqlCaptureIT {
    private static final String DB = MariaDbTestDatabase.DATABASE;
    private MariaDbTestDatabase db;

    @TempDir
    Path tempDir;

    @BeforeAll
    void startDatabase() throws Exception {
        db = new MariaDbTestDatabase();
    }

    @AfterAll
    void stopDatabase() throws Exception {
        db.close();
    }

    private static Pipeline pipeline(String id, Source source, MemorySink sink, OffsetStore offsets) {
        Pipeline p = Pipeline.builder().name(id).source(id, source).sink("mem", sink).offsetStore(offsets)
                .stopTimeout(Duration.ofSeconds(30)).build();
        p.start();
        return p;
    }

    private static List<ChangeEvent> of(MemorySink sink, String table) {
        return sink.events().stream().filter(e -> e.collection().equals(DB + "." + table)).toList();
    }

    private static void awaitSize(MemorySink sink, String table, int n) {
        await().atMost(60, TimeUnit.SECONDS).pollInterval(50, TimeUnit.MILLISECONDS).until(() -> of(sink, table).size() >= n);
    }

    private static PipelineStatus.SourceStatus status(Pipeline p, String id) {
        return p.status().sources().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    private static void assertIncreasing(List<ChangeEvent> events) {
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i)).hasPositionAfter(events.get(i - 1).position());
        }
    }

    @Test
    @Order(1)
    void rowChangesCarryKeysFullBeforeAndAfterImagesAndTypedValues() throws Exception {
        db.sql("CREATE TABLE items (id int PRIMARY KEY, name varchar(50), price decimal(10,2), seen datetime(3), tags json, "
                        + "status enum('new','old'))",
                "INSERT INTO items VALUES (1, 'one', 1.50, '2024-01-02 03:04:05.678', '{\"a\": 1}', 'new')");
        MemorySink sink = new MemorySink();
        try (Pipeline p = pipeline("my_rows", db.source("my_rows", List.of("items"), Map.of()), sink, new MemoryOffsetStore())) {
            awaitSize(sink, "items", 1);
            db.sql("INSERT INTO items VALUES (2, 'two', 2.25, NULL, NULL, 'new')",
                    "UPDATE items SET name = 'TWO', price = 3.00, status = 'old' WHERE id = 2",
                    "DELETE FROM items WHERE id = 1",
                    "TRUNCATE TABLE items",
                    "INSERT INTO items (id, name) VALUES (3, 'three')");
            awaitSize(sink, "items", 6);
        }
        List<ChangeEvent> events = of(sink, "items");
        assertThat(events).extracting(ChangeEvent::operation).containsExactly(Operation.INSERT, Operation.INSERT, Operation.UPDATE,
                Operation.DELETE, Operation.TRUNCATE, Operation.INSERT);
        assertThat(events.get(0)).isSnapshot(true).hasKey(row("id", 1)).hasAfterField("name", "one")
                .hasAfterField("price", new BigDecimal("1.50")).hasAfterField("seen", LocalDateTime.parse("2024-01-02T03:04:05.678"))
                .hasAfterField("status", "new");
        assertThat((String) events.get(0).after().get("tags")).contains("\"a\"");
        assertThat(events.get(1)).isSnapshot(false).hasKey(row("id", 2)).hasAfterField("name", "two").hasAfterField("seen", null).hasNoBefore();
        // full row images: the whole old row in 'before'
        assertThat(events.get(2)).hasKey(row("id", 2)).hasBeforeField("name", "two").hasBeforeField("price", new BigDecimal("2.25"))
                .hasBeforeField("status", "new").hasAfterField("name", "TWO").hasAfterField("price", new BigDecimal("3.00"))
                .hasAfterField("status", "old");
        assertThat(events.get(3)).hasKey(row("id", 1)).hasBeforeField("name", "one");
        assertThat(events.get(3).after()).isNull();
        assertThat(events.get(4)).hasCollection(DB + ".items");
        assertThat(events.get(4).key()).isNull();
        assertThat(events.get(5)).hasKey(row("id", 3)).hasAfterField("price", null);
        assertIncreasing(events);
        assertThat(events.get(1).schema().primaryKey()).containsExactly("id");
        assertThat(events.get(1).schema().column("price").orElseThrow().type()).isEqualTo(ColumnType.DECIMAL);
        assertThat(events.get(1).schema().column("price").orElseThrow().sourceType()).isEqualTo("decimal");
        assertThat(events.get(1).schema()).isSameAs(events.get(2).schema());
    }

    @Test
    @Order(2)
    void rowsOfOneStatementSpreadOverSeveralBinlogEventsEachGetTheirOwnPosition() throws Exception {
        db.sql("CREATE TABLE many (id int PRIMARY KEY, pad varchar(100))");
        MemorySink sink = new MemorySink();
        try (Pipeline p = pipeline("my_many", db.source("my_many", List.of("many"), Map.of()), sink, new MemoryOffsetStore())) {
            db.sql("INSERT INTO many VALUES (0, 'warm-up')");
            awaitSize(sink, "many", 1);
            // one statement, one transaction, rows over many row events (binlog_row_event_max_size is 8 KiB)
            db.sql("INSERT INTO many SELECT seq, REPEAT('x', 100) FROM seq_1_to_3000");
            awaitSize(sink, "many", 3001);
            Thread.sleep(300);
        }
        List<ChangeEvent> events = of(sink, "many");
        assertThat(events).hasSize(3001);
        assertThat(events.stream().map(e -> e.key().get("id")).toList())
                .containsExactlyElementsOf(IntStream.rangeClosed(0, 3000).boxed().map(i -> (Object) i).toList());
        assertIncreasing(events);
    }

    @Test
    @Order(3)
    void ddlStatementsArriveAsDdlEventsInOrderWithTheData() throws Exception {
        db.sql("CREATE TABLE ddl_a (id int PRIMARY KEY, v varchar(20))", "CREATE TABLE ddl_b (id int PRIMARY KEY)");
        MemorySink sink = new MemorySink();
        try (Pipeline p = pipeline("my_ddl", db.source("my_ddl", List.of("ddl_a", "ddl_b"), Map.of()), sink, new MemoryOffsetStore())) {
            db.sql("INSERT INTO ddl_a VALUES (1, 'x')");
            awaitSize(sink, "ddl_a", 1);
            db.sql("ALTER TABLE ddl_a ADD COLUMN note varchar(20)",
                    "INSERT INTO ddl_a VALUES (2, 'y', 'noted')",
                    "DROP TABLE ddl_b",
                    "RENAME TABLE ddl_a TO ddl_c");
            awaitSize(sink, "ddl_b", 1);
            awaitSize(sink, "ddl_a", 4);
        }
        List<ChangeEvent> a = of(sink, "ddl_a");
        assertThat(a).extracting(ChangeEvent::operation).containsExactly(Operation.INSERT, Operation.DDL, Operation.INSERT, Operation.DDL);
        assertThat(a.get(1).ddl()).containsIgnoringCase("ADD COLUMN note");
        assertThat(a.get(2)).hasAfterField("note", "noted");
        assertThat(a.get(3).ddl()).containsIgnoringCase("RENAME TABLE ddl_a TO ddl_c");
        List<ChangeEvent> b = of(sink, "ddl_b");
        assertThat(b).hasSize(1);
        assertThat(b.get(0)).hasOperation(Operation.DDL);
        assertThat(b.get(0).ddl()).containsIgnoringCase("DROP TABLE");
        assertThat(b.get(0)).hasPositionAfter(a.get(2).position());
        assertThat(a.get(3)).hasPositionAfter(b.get(0).position());
        assertThat(sink.events()).noneMatch(e -> e.operation() == Operation.DDL && e.snapshot());
    }

    @Test
    @Order(4)
    void capturingAWholeDatabaseEmitsCreateTableAndItsRows() throws Exception {
        MemorySink sink = new MemorySink();
        try (Pipeline p = pipeline("my_all", db.source("my_all", List.of(), Map.of("snapshot_mode", "never")), sink, new MemoryOffsetStore())) {
            await().atMost(60, TimeUnit.SECONDS).until(() -> p.status().sources().get(0).health().connected());
            db.sql("CREATE TABLE fresh (id int PRIMARY KEY)", "INSERT INTO fresh VALUES (7)");
            awaitSize(sink, "fresh", 2);
        }
        List<ChangeEvent> fresh = of(sink, "fresh");
        assertThat(fresh.get(0)).hasOperation(Operation.DDL);
        assertThat(fresh.get(0).ddl()).containsIgnoringCase("CREATE TABLE fresh");
        assertThat(fresh.get(1)).hasOperation(Operation.INSERT).hasKey(row("id", 7));
    }

    @Test
    @Order(5)
    void theSchemaHistoryLivesInTheStateStoreAndSurvivesARestart() throws Exception {
        db.sql("CREATE TABLE hist (id int PRIMARY KEY, a varchar(10))");
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + tempDir.resolve("state") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
        FileOffsetStore offsets = new FileOffsetStore(tempDir.resolve("offsets.json"));
        MemorySink sink = new MemorySink();
        try (Pipeline p = pipeline("my_hist", db.source("my_hist", List.of("hist"), Map.of(), new JdbcStateStore(h2)), sink, offsets)) {
            db.sql("INSERT INTO hist VALUES (1, 'a1')");
            awaitSize(sink, "hist", 1);
            db.sql("ALTER TABLE hist ADD COLUMN b varchar(10)", "INSERT INTO hist VALUES (2, 'a2', 'b2')");
            awaitSize(sink, "hist", 3);
        }
        StateStore reopened = new JdbcStateStore(h2);
        Map<String, String> history = reopened.getAll(StateStoreSchemaHistory.namespace("my_hist"));
        assertThat(history).isNotEmpty();
        assertThat(history.values()).anyMatch(r -> r.contains("ADD COLUMN b"));
        // written while the source is stopped: decoding this row needs the column list the history holds
        db.sql("INSERT INTO hist VALUES (3, 'a3', 'b3')", "UPDATE hist SET b = 'b1' WHERE id = 1");
        try (Pipeline p = pipeline("my_hist", db.source("my_hist", List.of("hist"), Map.of(), reopened), sink, offsets)) {
            awaitSize(sink, "hist", 5);
            Thread.sleep(300);
        }
        List<ChangeEvent> events = of(sink, "hist");
        assertThat(events).hasSize(5);
        assertThat(events.get(3)).hasOperation(Operation.INSERT).isSnapshot(false).hasAfterField("a", "a3").hasAfterField("b", "b3");
        assertThat(events.get(4)).hasOperation(Operation.UPDATE).hasBeforeField("b", null).hasAfterField("b", "b1");
        assertIncreasing(events);
    }

    @Test
    @Order(6)
    void aTableThatCannotBeCapturedIsReportedAndDoesNotBlockTheOthers() throws Exception {
        db.sql("CREATE TABLE good_items (id int PRIMARY KEY)");
        MemorySink sink = new MemorySink();
        Source source = db.source("my_tables", List.of("good_items", "missing_items"), Map.of());
        try (Pipeline p = pipeline("my_tables", source, sink, new MemoryOffsetStore())) {
            db.sql("INSERT INTO good_items VALUES (1)");
            awaitSize(sink, "good_items", 1);
            await().atMost(30, TimeUnit.SECONDS).until(() -> source.health().connected());
            SourceHealth health = source.health();
            assertThat(health.status()).as(health.toString()).isEqualTo(HealthStatus.DEGRADED);
            assertThat(health.tableErrors()).containsOnlyKeys(DB + ".missing_items");
            assertThat(health.tableErrors().get(DB + ".missing_items")).contains("does not exist");
            await().atMost(30, TimeUnit.SECONDS).until(() -> source.health().details().containsKey("server_binlog_file"));
            assertThat(source.health().details()).containsEntry("flavor", "MariaDB");
        }
    }

    @Test
    @Order(7)
    void badInputIsReportedAtConnectWithWhatToFix() throws Exception {
        MySqlSourceProvider provider = new MySqlSourceProvider();
        db.sql("CREATE TABLE bad_input (id int PRIMARY KEY)");
        assertThatThrownBy(() -> provider.checkConnection(context(db.connectionString(), List.of("bad_input", "nope"))))
                .isInstanceOf(EtlException.class).hasMessageContaining("unknown table(s) shop.nope").hasMessageContaining("bad_input")
                .satisfies(e -> assertThat(((EtlException) e).code()).isEqualTo(ErrorCode.CONFIG_INVALID));
        assertThatThrownBy(() -> provider.checkConnection(context("mysql://etl:secret@localhost:1/shop", List.of("bad_input"))))
                .isInstanceOf(EtlException.class).hasMessageContaining("cannot reach MySQL at localhost:1").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> provider.checkConnection(context("mysql://etl:wrong@localhost:" + db.port() + "/shop", List.of())))
                .hasMessageContaining("refused the credentials").hasMessageNotContaining("wrong");
        assertThatThrownBy(() -> provider.checkConnection(context("postgresql://u:p@localhost/db", List.of("x"))))
                .isInstanceOf(EtlException.class).hasMessageContaining("expected a mysql://");
        db.runAsRoot("CREATE USER 'plain'@'localhost' IDENTIFIED BY 'pw'; GRANT SELECT ON shop.good_items TO 'plain'@'localhost';");
        assertThatThrownBy(() -> provider.checkConnection(context("mysql://plain:pw@localhost:" + db.port() + "/shop", List.of("bad_input"))))
                .hasMessageContaining("lacks REPLICATION SLAVE and REPLICATION CLIENT")
                .hasMessageContaining("GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'plain'")
                .hasMessageContaining("GRANT SELECT ON shop.bad_input TO 'plain'@'%'");
        provider.checkConnection(context(db.connectionString(), List.of("bad_input")));
        try {
            db.sql("SET GLOBAL binlog_row_image = 'MINIMAL'", "SET GLOBAL binlog_format = 'STATEMENT'");
            assertThatThrownBy(() -> provider.checkConnection(context(db.connectionString(), List.of("bad_input"))))
                    .hasMessageContaining("binlog_format is 'STATEMENT' but capture needs ROW")
                    .hasMessageContaining("binlog_row_image is 'MINIMAL'").hasMessageContaining("binlog_row_image = FULL");
        } finally {
            db.sql("SET GLOBAL binlog_row_image = 'FULL'", "SET GLOBAL binlog_format = 'ROW'");
        }
    }

    private static ProviderContext context(String url, List<String> tables) {
        return ProviderContext.builder("check").definition(new ConnectorDefinition("check", "mysql", url, Map.of("tables", tables)))
                .service(StateStore.class, new MemoryStateStore()).build();
    }

    @Test
    @Order(8)
    void aPurgedBinlogIsPositionLostAndWhenNeededReSnapshots() throws Exception {
        db.sql("CREATE TABLE lost_items (id int PRIMARY KEY)", "INSERT INTO lost_items VALUES (1)");
        MemorySink sink = new MemorySink();
        MemoryOffsetStore offsets = new MemoryOffsetStore();
        StateStore history = new MemoryStateStore();
        try (Pipeline p = pipeline("my_lost", db.source("my_lost", List.of("lost_items"), Map.of(), history), sink, offsets)) {
            db.sql("INSERT INTO lost_items VALUES (2)");
            awaitSize(sink, "lost_items", 2);
            Thread.sleep(600);
        }
        // while the source is stopped the binlog it would resume from is purged
        db.sql("INSERT INTO lost_items VALUES (3)", "FLUSH BINARY LOGS");
        String current;
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            rs.next();
            current = rs.getString(1);
        }
        // the server keeps a file a binlog dump thread still reads (those of stopped sources linger until they write)
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'")) {
            while (rs.next()) {
                try (Statement k = c.createStatement()) {
                    k.execute("KILL " + rs.getLong(1));
                }
            }
        }
        // killed dump threads end asynchronously; PURGE skips files they still hold
        await().atMost(30, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS).until(() -> {
            db.sql("PURGE BINARY LOGS TO '" + current + "'");
            return binlogs().equals(current + " ");
        });
        try (Pipeline p = pipeline("my_lost", db.source("my_lost", List.of("lost_items"), Map.of(), history), sink, offsets)) {
            await().atMost(60, TimeUnit.SECONDS).until(() -> status(p, "my_lost").state() == SourceState.FAILED);
            assertThat(status(p, "my_lost").error()).contains("POSITION_LOST").contains("no longer on the server")
                    .contains("snapshot_mode: when_needed");
        }
        assertThat(of(sink, "lost_items")).hasSize(2);
        try (Pipeline p = pipeline("my_lost", db.source("my_lost", List.of("lost_items"), Map.of("snapshot_mode", "when_needed"), history),
                sink, offsets)) {
            awaitSize(sink, "lost_items", 5);
            db.sql("INSERT INTO lost_items VALUES (4)");
            awaitSize(sink, "lost_items", 6);
        }
        List<ChangeEvent> events = of(sink, "lost_items");
        assertThat(events.subList(2, 5)).allMatch(ChangeEvent::snapshot);
        assertThat(events.subList(2, 5).stream().map(e -> e.key().get("id")).collect(Collectors.toSet())).isEqualTo(Set.of(1, 2, 3));
        assertThat(events.get(5)).hasOperation(Operation.INSERT).isSnapshot(false).hasKey(row("id", 4));
        assertIncreasing(events);
    }

    private String binlogs() {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            StringBuilder sb = new StringBuilder();
            while (rs.next()) {
                sb.append(rs.getString(1)).append(' ');
            }
            return sb.toString();
        } catch (Exception e) {
            return e.toString();
        }
    }

    @Test
    @Order(10)
    void aDatabaseRestartIsSurvivedWithNothingLost() throws Exception {
        db.sql("CREATE TABLE restart_items (id int PRIMARY KEY)");
        MemorySink sink = new MemorySink();
        Source source = db.source("my_restart", List.of("restart_items"), Map.of());
        try (Pipeline p = pipeline("my_restart", source, sink, new MemoryOffsetStore())) {
            for (int i = 1; i <= 20; i++) {
                db.sql("INSERT INTO restart_items VALUES (" + i + ")");
            }
            awaitSize(sink, "restart_items", 20);
            db.stopServer();
            await().atMost(30, TimeUnit.SECONDS).until(() -> !source.health().connected());
            assertThat(source.health().status()).isEqualTo(HealthStatus.DOWN);
            db.startServer();
            for (int i = 21; i <= 40; i++) {
                db.sql("INSERT INTO restart_items VALUES (" + i + ")");
            }
            awaitSize(sink, "restart_items", 40);
            Thread.sleep(300);
            assertThat(status(p, "my_restart").state()).isEqualTo(SourceState.RUNNING);
            await().atMost(30, TimeUnit.SECONDS).until(() -> source.health().connected());
        }
        List<Object> ids = of(sink, "restart_items").stream().map(e -> e.key().get("id")).toList();
        assertThat(ids).containsExactlyElementsOf(IntStream.rangeClosed(1, 40).boxed().map(i -> (Object) i).toList());
        assertIncreasing(of(sink, "restart_items"));
    }
}
