package io.etlcdc.sink.jdbc;

import io.etlcdc.core.connectors.MemorySource;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.error.RetriableEtlException;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.ColumnType;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.event.TableSchema;
import io.etlcdc.core.pipeline.Pipeline;
import io.etlcdc.core.pipeline.PipelineState;
import io.etlcdc.core.pipeline.RetryPolicy;
import io.etlcdc.core.spi.HealthStatus;
import io.etlcdc.core.spi.Sink;
import io.etlcdc.core.testing.SinkContractTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static io.etlcdc.core.testing.Events.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The jdbc sink against a real database: the sink contract plus TOAST, table creation, schema
 * evolution, TRUNCATE, dead letters, errors and a database restart under a running pipeline.
 * Subclasses start one server per class.
 */
abstract class AbstractJdbcSinkIT extends SinkContractTest {
    private static final String[] TABLES = {"users", "docs", "typed", "narrow", "evolving", "wide", "t_users", "orders"};

    /** The sink's connection string, e.g. {@code postgresql://u:p@localhost:5432/db}. */
    protected abstract String connectionString();

    /** A plain JDBC connection to the same database, for checking what the sink wrote. */
    protected abstract Connection connect() throws SQLException;

    protected abstract void stopDatabase() throws Exception;

    protected abstract void startDatabase() throws Exception;

    protected JdbcSinkSettings settings() {
        return JdbcSinkSettings.defaults("warehouse", connectionString()).withConnectTimeoutMs(2_000);
    }

    @BeforeEach
    void emptyDatabase() throws SQLException {
        deadLetters.clear();
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String t : TABLES) {
                st.execute("DROP TABLE IF EXISTS " + t);
            }
        }
    }

    @Override
    protected Sink newSink() {
        return new JdbcSink(settings());
    }

    @Override
    protected Map<Object, Map<String, Object>> rows() throws Exception {
        return rows("users");
    }

    protected Map<Object, Map<String, Object>> rows(String table) throws SQLException {
        Map<Object, Map<String, Object>> out = new TreeMap<>();
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnName(i).toLowerCase(Locale.ROOT), rs.getObject(i));
                }
                out.put(((Number) row.get("id")).longValue(), row);
            }
        }
        return out;
    }

    /** Column name (lower case) → type name as the database reports it (lower case). */
    protected Map<String, String> columnTypes(String table) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                out.put(md.getColumnName(i).toLowerCase(Locale.ROOT), md.getColumnTypeName(i).toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    private JdbcSink openSink(JdbcSinkSettings s) {
        JdbcSink sink = new JdbcSink(s);
        sink.open(context("warehouse"));
        return sink;
    }

    private static ChangeEvent doc(long pos, Operation op, long id, Map<String, Object> after, Set<String> unchanged) {
        return ChangeEvent.builder("src", "public.docs", op).key(row("id", id)).after(after).unchangedFields(unchanged)
                .position(Position.of(pos)).build();
    }

    @Test
    void toastColumnsAnUpdateLeftUnchangedKeepTheirStoredValue() throws Exception {
        String body = "x".repeat(10_000);
        try (JdbcSink sink = openSink(settings())) {
            sink.write(List.of(
                    doc(1, Operation.INSERT, 1, row("id", 1L, "title", "one", "body", body), Set.of()),
                    doc(2, Operation.INSERT, 2, row("id", 2L, "title", "two", "body", "short"), Set.of())));
            // a later batch: row 1's body unchanged (TOAST), row 2 fully delivered; two column sets in one table
            sink.write(List.of(
                    doc(3, Operation.UPDATE, 1, row("id", 1L, "title", "one v2"), Set.of("body")),
                    doc(4, Operation.UPDATE, 2, row("id", 2L, "title", "two v2", "body", "changed"), Set.of())));
            // within one batch: the insert gives the value, the update leaves it unchanged
            sink.write(List.of(
                    doc(5, Operation.INSERT, 3, row("id", 3L, "title", "three", "body", "kept"), Set.of()),
                    doc(6, Operation.UPDATE, 3, row("id", 3L, "title", "three v2"), Set.of("body"))));
        }
        Map<Object, Map<String, Object>> rows = rows("docs");
        assertThat(rows.get(1L)).containsEntry("title", "one v2").containsEntry("body", body);
        assertThat(rows.get(2L)).containsEntry("title", "two v2").containsEntry("body", "changed");
        assertThat(rows.get(3L)).containsEntry("title", "three v2").containsEntry("body", "kept");
    }

    @Test
    void createsTheTableFromTheSchemaAndAddsColumnsAsTheSchemaEvolves() throws Exception {
        TableSchema v1 = new TableSchema("shop.typed", List.of(
                TableSchema.Column.of("id", ColumnType.INT64, false),
                new TableSchema.Column("price", ColumnType.DECIMAL, "numeric(10,2)", true, null, 10, 2),
                TableSchema.Column.of("active", ColumnType.BOOLEAN, true),
                TableSchema.Column.of("day", ColumnType.DATE, true),
                TableSchema.Column.of("seen", ColumnType.TIMESTAMP_TZ, true),
                TableSchema.Column.of("never_set", ColumnType.STRING, true)), List.of("id"));
        Instant seen = Instant.parse("2026-11-25T10:15:30Z");
        ChangeEvent first = ChangeEvent.builder("src", "shop.typed", Operation.INSERT).key(row("id", 1L))
                .after(row("id", 1L, "price", new BigDecimal("12.50"), "active", true, "day", LocalDate.of(2026, 11, 25), "seen", seen))
                .schema(v1).position(Position.of(1)).build();
        List<TableSchema.Column> evolved = new ArrayList<>(v1.columns());
        evolved.add(TableSchema.Column.of("note", ColumnType.STRING, true));
        TableSchema v2 = new TableSchema("shop.typed", evolved, List.of("id"));
        ChangeEvent second = ChangeEvent.builder("src", "shop.typed", Operation.INSERT).key(row("id", 2L))
                .after(row("id", 2L, "price", new BigDecimal("3.00"), "active", false, "note", "new column"))
                .schema(v2).position(Position.of(2)).build();
        try (JdbcSink sink = openSink(settings())) {
            sink.write(List.of(first));
            assertThat(columnTypes("typed")).containsOnlyKeys("id", "price", "active", "day", "seen", "never_set");
            sink.write(List.of(second));
        }
        Map<String, String> types = columnTypes("typed");
        assertThat(types).containsKey("note");
        assertThat(types.get("price")).matches("(numeric|decimal).*");
        Map<Object, Map<String, Object>> rows = rows("typed");
        assertThat((BigDecimal) rows.get(1L).get("price")).isEqualByComparingTo("12.50");
        assertThat(rows.get(1L).get("note")).isNull();
        assertThat(rows.get(2L)).containsEntry("note", "new column");
        assertThat(rows.get(1L).get("day").toString()).isEqualTo("2026-11-25");
    }

    @Test
    void aColumnSeenForTheFirstTimeWithoutASchemaIsAdded() throws Exception {
        try (JdbcSink sink = openSink(settings())) {
            sink.write(List.of(ChangeEvent.insert("src", "public.evolving", row("id", 1L), row("id", 1L, "a", "x"), Position.of(1))));
            sink.write(List.of(ChangeEvent.insert("src", "public.evolving", row("id", 2L), row("id", 2L, "a", "y", "b", 42L), Position.of(2))));
        }
        assertThat(columnTypes("evolving")).containsKeys("id", "a", "b");
        assertThat(rows("evolving").get(2L).get("b")).isIn(42L, 42);
        assertThat(rows("evolving").get(1L).get("b")).isNull();
    }

    @Test
    void truncateEmptiesTheTableInOrderWithTheRowsAroundIt() throws Exception {
        try (JdbcSink sink = openSink(settings())) {
            sink.write(List.of(insert(1, 1, "a"), insert(2, 2, "b"),
                    ChangeEvent.truncate("src", "public.users", Position.of(3)), insert(4, 3, "c")));
        }
        assertThat(rows()).containsOnlyKeys(3L);
    }

    @Test
    void aTruncateOfATableNeverWrittenAndDdlEventsAreHarmless() throws Exception {
        try (JdbcSink sink = openSink(settings())) {
            sink.write(List.of(ChangeEvent.truncate("src", "public.orders", Position.of(1)),
                    ChangeEvent.ddl("src", "public.users", "ALTER TABLE users ADD COLUMN x int", Position.of(2)),
                    insert(3, 1, "a")));
            assertThat(sink.health().details()).containsEntry("ddl_ignored", 1L);
        }
        assertThat(rows()).containsOnlyKeys(1L);
    }

    @Test
    void aRecordTheTargetRefusesIsDeadLetteredAndTheRestWritten() throws Exception {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE narrow (id BIGINT PRIMARY KEY, name VARCHAR(5) NOT NULL)");
        }
        try (JdbcSink sink = openSink(settings())) {
            sink.write(List.of(
                    ChangeEvent.insert("src", "public.narrow", row("id", 1L), row("id", 1L, "name", "ok"), Position.of(1)),
                    ChangeEvent.insert("src", "public.narrow", row("id", 2L), row("id", 2L, "name", "far too long"), Position.of(2)),
                    ChangeEvent.insert("src", "public.narrow", row("id", 3L), row("id", 3L, "name", "fine"), Position.of(3))));
        }
        assertThat(rows("narrow")).containsOnlyKeys(1L, 3L);
        assertThat(deadLetters).hasSize(1);
        assertThat(deadLetters.get(0)).startsWith("2: refused by the target database");
    }

    @Test
    void anEventWithoutAKeyIsDeadLetteredWithTheReason() throws Exception {
        try (JdbcSink sink = openSink(settings())) {
            sink.write(List.of(insert(1, 1, "a"),
                    ChangeEvent.builder("src", "public.users", Operation.INSERT).after(row("id", 9L, "name", "nokey"))
                            .position(Position.of(2)).build()));
        }
        assertThat(rows()).containsOnlyKeys(1L);
        assertThat(deadLetters).singleElement().asString().contains("no primary key");
    }

    @Test
    void withoutAutoCreateAMissingTableFailsNamingSinkAndTable() {
        try (JdbcSink sink = openSink(settings().withEvolution(false, false))) {
            assertThatThrownBy(() -> sink.write(List.of(insert(1, 1, "a"))))
                    .isInstanceOf(EtlException.class)
                    .isNotInstanceOf(RetriableEtlException.class)
                    .hasMessageContaining("warehouse")
                    .hasMessageContaining("users")
                    .hasMessageContaining("auto_create");
        }
    }

    @Test
    void anUnreachableDatabaseIsATransientErrorAndThePasswordStaysHidden() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String scheme = connectionString().substring(0, connectionString().indexOf("://"));
        JdbcSinkSettings s = JdbcSinkSettings.defaults("warehouse", scheme + "://someone:s3cret-pw@127.0.0.1:" + port + "/db")
                .withConnectTimeoutMs(500);
        try (JdbcSink sink = openSink(s)) {
            assertThatThrownBy(() -> sink.write(List.of(insert(1, 1, "a"))))
                    .isInstanceOf(RetriableEtlException.class)
                    .hasMessageContaining("warehouse")
                    .hasMessageNotContaining("s3cret-pw");
            assertThat(sink.health().status()).isEqualTo(HealthStatus.DOWN);
            assertThat(sink.health().toString()).doesNotContain("s3cret-pw");
        }
    }

    @Test
    void aDatabaseRestartHoldsThePipelineBackAndLosesNothing() throws Exception {
        MemorySource source = new MemorySource();
        try (Pipeline pipeline = Pipeline.builder().name("restart")
                .source("src", source)
                .sink("warehouse", new JdbcSink(settings()))
                .retryPolicy(RetryPolicy.exponential(Duration.ofMillis(100), Duration.ofMillis(500)))
                .build()) {
            pipeline.start();
            source.push(List.of(insert(1, 1, "a"), insert(2, 2, "b")));
            await().atMost(Duration.ofSeconds(60)).until(() -> rowsOrEmpty().size() == 2);

            stopDatabase();
            try {
                source.push(List.of(update(3, 1, "a", "a2"), insert(4, 3, "c")));
                source.push(List.of(delete(5, 2, "b"), insert(6, 4, "d")));
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> pipeline.metrics().snapshot().sinks().get("warehouse").retries() >= 2);
                assertThat(pipeline.state()).isEqualTo(PipelineState.RUNNING);
                // nothing after position 2 is committed while the database is down
                assertThat(source.committedPositions()).last().isEqualTo(Position.of(2));
            } finally {
                startDatabase();
            }
            await().atMost(Duration.ofSeconds(90)).until(() -> source.committedPositions().contains(Position.of(6)));
        }
        Map<Object, Map<String, Object>> rows = rows();
        assertThat(rows).containsOnlyKeys(1L, 3L, 4L);
        assertThat(rows.get(1L)).containsEntry("name", "a2");
    }

    private Map<Object, Map<String, Object>> rowsOrEmpty() {
        try {
            return rows();
        } catch (Exception e) {
            return Map.of();
        }
    }

    @Test
    void checkConnectionPassesForTheTargetAndNamesAnUnreachableOneWithoutItsPassword() throws Exception {
        JdbcSinkProvider provider = new JdbcSinkProvider();
        provider.checkConnection(io.etlcdc.core.spi.ProviderContext.of(
                new io.etlcdc.core.config.ConnectorDefinition("warehouse", "jdbc", connectionString(), Map.of())));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String scheme = connectionString().substring(0, connectionString().indexOf("://"));
        assertThatThrownBy(() -> provider.checkConnection(io.etlcdc.core.spi.ProviderContext.of(
                new io.etlcdc.core.config.ConnectorDefinition("warehouse", "jdbc",
                        scheme + "://u:s3cret-pw@127.0.0.1:" + port + "/db", Map.of("connect_timeout_ms", 1000)))))
                .isInstanceOf(EtlException.class)
                .hasMessageContaining("sink 'warehouse' cannot connect to")
                .hasMessageNotContaining("s3cret-pw");
    }

    @Test
    void tablePrefixNamesTheTarget() throws Exception {
        try (JdbcSink sink = openSink(settings().withTablePrefix("t_"))) {
            sink.write(List.of(insert(1, 1, "a")));
            assertThat(sink.assetName("warehouse", "src", "public.users")).isEqualTo("warehouse_t_users");
        }
        assertThat(rows("t_users")).containsOnlyKeys(1L);
    }

    /** Opens a plain connection with DriverManager (helper for subclasses). */
    protected static Connection open(String url, String user, String password) throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }
}
