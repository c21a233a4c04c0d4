package io.etlcdc.sink.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.etlcdc.core.config.Secrets;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.error.RetriableEtlException;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.ColumnType;
import io.etlcdc.core.event.TableSchema;
import io.etlcdc.core.spi.ComponentHealth;
import io.etlcdc.core.spi.HealthStatus;
import io.etlcdc.core.spi.Sink;
import io.etlcdc.core.spi.SinkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes change events into tables of a PostgreSQL or MySQL/MariaDB database.
 *
 * <p><b>Semantics.</b> Each batch is one transaction: its events are folded per primary key (see
 * {@link WritePlan}), deletes run first, then INSERT/UPDATE rows are upserted
 * ({@code INSERT ... ON CONFLICT DO UPDATE} / {@code ON DUPLICATE KEY UPDATE}) in JDBC batches
 * grouped by table and column set, so a column an UPDATE left unchanged (TOAST) is not written and
 * keeps its stored value. TRUNCATE events empty the target table in order with the rows around them.
 * Re-delivering a batch rewrites the same rows: writes are idempotent.
 *
 * <p><b>Tables.</b> The target of {@code schema.table} is {@code <table_prefix><table>}. A missing
 * table is created from the event's {@link TableSchema} (or from its values when it has none) with
 * the key as primary key and every other column nullable; a column an event carries that the table
 * lacks is added. Both happen before the batch's transaction (MySQL commits DDL implicitly). DDL
 * events are not replayed (the source's SQL may not run on the target); the tables evolve from the
 * rows instead.
 *
 * <p><b>Errors.</b> A database that is down, restarting, or a transaction that lost a race
 * (serialization failure, deadlock) raises a {@link RetriableEtlException}: the runtime retries and
 * holds the pipeline. A batch the target refuses because of its data (constraint, bad value) is
 * retried event by event and each refused event is dead-lettered with the database's reason. Anything
 * else fails with a message naming the sink, the target (password masked) and the cause.
 *
 * <p>Writes come from one pipeline thread at a time; {@link #health()} may be called from any thread.
 */
public final class JdbcSink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcSink.class);
    private static final Set<String> NO_TABLE_STATES = Set.of("42P01", "42S02");
    /** Undefined table or column: the cached columns are out of date. */
    private static final Set<String> STALE_STATES = Set.of("42P01", "42S02", "42703", "42S22");

    private final JdbcSinkSettings settings;
    private final TargetDialect dialect;
    /** Target table (qualified) → its columns as last read; cleared after a failure. */
    private final Map<String, Set<String>> columnsByTable = new HashMap<>();
    private HikariDataSource pool;
    private SinkContext context;
    private volatile ComponentHealth health = ComponentHealth.unknown();
    private volatile long rowsWritten;
    private volatile long ddlIgnored;

    public JdbcSink(JdbcSinkSettings settings) {
        this.settings = settings;
        this.dialect = TargetDialect.forScheme(settings.connection().scheme());
    }

    public JdbcSinkSettings settings() {
        return settings;
    }

    /** Creates the connection pool. Does not connect: a target that is down makes writes retry, not the start fail. */
    @Override
    public void open(SinkContext sinkContext) {
        this.context = sinkContext;
        if (pool == null) {
            pool = new HikariDataSource(poolConfig(settings, dialect));
        }
    }

    static HikariConfig poolConfig(JdbcSinkSettings settings, TargetDialect dialect) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("etl-sink-" + settings.sinkId());
        hc.setDriverClassName(dialect.driverClass());
        hc.setJdbcUrl(dialect.jdbcUrl(settings.connection()));
        settings.connection().user().ifPresent(hc::setUsername);
        settings.connection().password().ifPresent(hc::setPassword);
        Map<String, String> params = settings.connection().params();
        dialect.driverProperties().forEach((k, v) -> {
            if (!params.containsKey(k)) {
                hc.addDataSourceProperty(k, v);
            }
        });
        long timeout = settings.connectTimeoutMs();
        if (!params.containsKey("connectTimeout")) {
            // PostgreSQL counts seconds, MariaDB milliseconds
            hc.addDataSourceProperty("connectTimeout", String.valueOf(dialect == TargetDialect.POSTGRESQL
                    ? Math.max(1, (timeout + 999) / 1000) : timeout));
        }
        hc.setMaximumPoolSize(settings.poolSize());
        hc.setMinimumIdle(Math.min(1, settings.poolSize()));
        hc.setConnectionTimeout(timeout);
        hc.setValidationTimeout(Math.max(250, Math.min(5_000, timeout * 3 / 4)));
        hc.setInitializationFailTimeout(-1);
        hc.setAutoCommit(true);
        return hc;
    }

    @Override
    public void write(List<ChangeEvent> batch) throws Exception {
        if (batch.isEmpty()) {
            return;
        }
        if (pool == null) {
            open(context);
        }
        WritePlan plan = WritePlan.of(batch, this::refuse);
        if (plan.events() == 0) {
            return;
        }
        try {
            try {
                apply(plan);
            } catch (SQLException e) {
                if (!isStaleMetadata(e)) {
                    throw e;
                }
                // a table or column went away behind our back: forget what we knew and try once more
                columnsByTable.clear();
                apply(plan);
            }
            health = ComponentHealth.up();
        } catch (SQLException e) {
            SqlErrors.Kind kind = SqlErrors.classify(e);
            if (kind == SqlErrors.Kind.RECORD) {
                LOG.warn("sink {}: the target refused part of a batch of {} ({}); writing it event by event to find the refused ones",
                        settings.sinkId(), batch.size(), mask(SqlErrors.message(e)));
                writeOneByOne(batch);
                health = ComponentHealth.up();
                return;
            }
            throw failure(kind, e, null);
        } catch (EtlException e) {
            health = ComponentHealth.down(e.getMessage());
            throw e;
        }
    }

    private static boolean isStaleMetadata(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException() == x ? null : x.getNextException()) {
            String state = x.getSQLState();
            if (STALE_STATES.contains(state) || x.getErrorCode() == 1146 || x.getErrorCode() == 1054) {
                return true;
            }
        }
        return false;
    }

    /** Writes each event in its own transaction, dead-lettering the ones the target refuses. */
    private void writeOneByOne(List<ChangeEvent> batch) {
        for (ChangeEvent e : batch) {
            // events without a key were dead-lettered when the whole batch was planned
            WritePlan single = WritePlan.of(List.of(e), (ev, why) -> { });
            if (single.events() == 0) {
                continue;
            }
            try {
                apply(single);
            } catch (SQLException ex) {
                SqlErrors.Kind kind = SqlErrors.classify(ex);
                if (kind != SqlErrors.Kind.RECORD) {
                    throw failure(kind, ex, e);
                }
                refuse(e, "refused by the target database: " + mask(SqlErrors.message(ex)));
            }
        }
    }

    private void refuse(ChangeEvent e, String reason) {
        if (context == null) {
            throw new EtlException(ErrorCode.SINK_FAILED, "sink '" + settings.sinkId() + "' cannot write " + e.collection()
                    + " at " + e.position() + ": " + reason);
        }
        context.deadLetter(e, reason);
    }

    private EtlException failure(SqlErrors.Kind kind, SQLException e, ChangeEvent event) {
        columnsByTable.clear();
        String where = "sink '" + settings.sinkId() + "' (" + settings.connection().masked() + ")";
        String why = mask(SqlErrors.message(e));
        if (kind == SqlErrors.Kind.TRANSIENT) {
            health = new ComponentHealth(HealthStatus.DOWN, "retrying: " + why, Map.of());
            return new RetriableEtlException(ErrorCode.SINK_FAILED, where + " is unavailable, will retry: " + why, e);
        }
        health = ComponentHealth.down(why);
        return new EtlException(ErrorCode.SINK_FAILED, where + " failed"
                + (event == null ? "" : " on " + event.collection() + " at " + event.position()) + ": " + why, e);
    }

    private String mask(String text) {
        return Secrets.maskKnown(text, settings.connection().password().map(List::of).orElse(List.of()));
    }

    // ---- applying a plan ----------------------------------------------------------------------

    private void apply(WritePlan plan) throws SQLException {
        try (Connection c = pool.getConnection()) {
            prepareTables(c, plan);
            c.setAutoCommit(false);
            try {
                long rows = 0;
                for (WritePlan.Step step : plan.steps()) {
                    if (step instanceof WritePlan.RowChanges rc) {
                        for (WritePlan.TableChanges t : rc.tables().values()) {
                            rows += applyRows(c, t);
                        }
                    } else if (step instanceof WritePlan.Truncate tr) {
                        truncate(c, tr.event());
                    } else if (step instanceof WritePlan.Ddl ddl) {
                        ignoreDdl(ddl.event());
                    }
                }
                c.commit();
                rowsWritten += rows;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                throw e;
            }
        }
    }

    private long applyRows(Connection c, WritePlan.TableChanges t) throws SQLException {
        String table = qualified(t.table());
        List<WritePlan.RowChange> deletes = new ArrayList<>();
        Map<List<String>, List<WritePlan.RowChange>> upserts = new LinkedHashMap<>();
        for (WritePlan.RowChange change : t.changes()) {
            if (change.delete()) {
                deletes.add(change);
            } else {
                upserts.computeIfAbsent(columnsOf(t.keyColumns(), change.row()), k -> new ArrayList<>()).add(change);
            }
        }
        if (!deletes.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(dialect.delete(table, t.keyColumns()))) {
                int n = 0;
                for (WritePlan.RowChange d : deletes) {
                    int i = 1;
                    for (String k : t.keyColumns()) {
                        dialect.bind(ps, i++, d.key().get(k));
                    }
                    ps.addBatch();
                    if (++n % settings.batchSize() == 0) {
                        ps.executeBatch();
                    }
                }
                if (n % settings.batchSize() != 0) {
                    ps.executeBatch();
                }
            }
        }
        for (Map.Entry<List<String>, List<WritePlan.RowChange>> group : upserts.entrySet()) {
            List<String> columns = group.getKey();
            try (PreparedStatement ps = c.prepareStatement(dialect.upsert(table, t.keyColumns(), columns))) {
                int n = 0;
                for (WritePlan.RowChange u : group.getValue()) {
                    int i = 1;
                    for (String col : columns) {
                        dialect.bind(ps, i++, u.row().get(col));
                    }
                    ps.addBatch();
                    if (++n % settings.batchSize() == 0) {
                        ps.executeBatch();
                    }
                }
                if (n % settings.batchSize() != 0) {
                    ps.executeBatch();
                }
            }
        }
        return t.size();
    }

    /** Key columns first, then the others sorted: rows with the same columns share one statement. */
    private static List<String> columnsOf(List<String> keyColumns, Map<String, Object> row) {
        List<String> cols = new ArrayList<>(keyColumns);
        new TreeSet<>(row.keySet()).forEach(c -> {
            if (!keyColumns.contains(c)) {
                cols.add(c);
            }
        });
        return cols;
    }

    private void truncate(Connection c, ChangeEvent e) throws SQLException {
        if (!settings.applyTruncate()) {
            LOG.info("sink {}: TRUNCATE of {} at {} ignored (apply_truncate is off)", settings.sinkId(), e.collection(), e.position());
            return;
        }
        String table = qualified(e.table());
        if (!columnsByTable.containsKey(table)) {
            return; // no such table (looked up before the transaction): nothing to empty
        }
        try (Statement st = c.createStatement()) {
            st.execute(dialect.truncate(table));
        }
    }

    private void ignoreDdl(ChangeEvent e) {
        ddlIgnored++;
        // the next row of the table re-reads its columns, so what the DDL added is picked up
        columnsByTable.remove(qualified(e.table()));
        LOG.info("sink {}: DDL on {} at {} not replayed (tables evolve from the rows): {}", settings.sinkId(),
                e.collection(), e.position(), e.ddl());
    }

    // ---- tables and columns -------------------------------------------------------------------

    private String qualified(String table) {
        return dialect.table(settings.schema(), settings.tablePrefix() + table);
    }

    /** Creates missing tables and adds missing columns, outside the batch's transaction. */
    private void prepareTables(Connection c, WritePlan plan) throws SQLException {
        for (WritePlan.Step step : plan.steps()) {
            if (step instanceof WritePlan.Truncate tr) {
                columns(c, qualified(tr.event().table()));
                continue;
            }
            if (!(step instanceof WritePlan.RowChanges rc)) {
                continue;
            }
            for (WritePlan.TableChanges t : rc.tables().values()) {
                Map<String, Object> sample = sampleValues(t);
                if (sample.isEmpty() && !hasDeletes(t)) {
                    continue;
                }
                String table = qualified(t.table());
                Set<String> existing = columns(c, table);
                if (existing == null) {
                    if (!settings.autoCreate()) {
                        throw new EtlException(ErrorCode.SINK_FAILED, "sink '" + settings.sinkId() + "': target table " + table
                                + " for " + t.collection() + " does not exist and auto_create is false; create it or set auto_create: true");
                    }
                    createTable(c, table, t, sample);
                    existing = columns(c, table);
                    if (existing == null) {
                        throw new EtlException(ErrorCode.SINK_FAILED, "sink '" + settings.sinkId() + "': table " + table
                                + " is still missing after CREATE TABLE");
                    }
                }
                List<String> missing = new ArrayList<>();
                for (String col : sample.keySet()) {
                    if (!existing.contains(col)) {
                        missing.add(col);
                    }
                }
                if (missing.isEmpty()) {
                    continue;
                }
                if (!settings.autoAddColumns()) {
                    throw new EtlException(ErrorCode.SINK_FAILED, "sink '" + settings.sinkId() + "': target table " + table
                            + " has no column(s) " + missing + " that " + t.collection()
                            + " events carry, and auto_add_columns is false; add them or set auto_add_columns: true");
                }
                for (String col : missing) {
                    addColumn(c, table, column(t, col, sample.get(col)));
                }
                columnsByTable.remove(table);
                Set<String> after = columns(c, table);
                for (String col : missing) {
                    if (after == null || !after.contains(col)) {
                        throw new EtlException(ErrorCode.SINK_FAILED, "sink '" + settings.sinkId() + "': column " + col
                                + " is still missing in " + table + " after ALTER TABLE");
                    }
                }
            }
        }
    }

    private static boolean hasDeletes(WritePlan.TableChanges t) {
        for (WritePlan.RowChange ch : t.changes()) {
            if (ch.delete()) {
                return true;
            }
        }
        return false;
    }

    /** Every column the table's rows write, with a non-null value where one exists (for type inference). */
    private static Map<String, Object> sampleValues(WritePlan.TableChanges t) {
        Map<String, Object> sample = new LinkedHashMap<>();
        for (WritePlan.RowChange ch : t.changes()) {
            Map<String, Object> row = ch.delete() ? ch.key() : ch.row();
            row.forEach((k, v) -> {
                if (v != null || !sample.containsKey(k)) {
                    sample.put(k, v);
                }
            });
        }
        return sample;
    }

    private TableSchema.Column column(WritePlan.TableChanges t, String name, Object sample) {
        if (t.schema() != null) {
            var declared = t.schema().column(name);
            if (declared.isPresent()) {
                return declared.get();
            }
        }
        ColumnType type = sample == null ? ColumnType.STRING : TargetDialect.typeOf(sample);
        return TableSchema.Column.of(name, type, true);
    }

    private void createTable(Connection c, String table, WritePlan.TableChanges t, Map<String, Object> sample) throws SQLException {
        Map<String, TableSchema.Column> columns = new LinkedHashMap<>();
        if (t.schema() != null) {
            for (TableSchema.Column col : t.schema().columns()) {
                columns.put(col.name(), col);
            }
        }
        for (String k : t.keyColumns()) {
            columns.computeIfAbsent(k, name -> column(t, name, sample.get(name)));
        }
        sample.forEach((name, value) -> columns.computeIfAbsent(name, n -> column(t, n, value)));
        String sql = dialect.createTable(table, columns, t.keyColumns());
        LOG.info("sink {}: creating {} for {}: {}", settings.sinkId(), table, t.collection(), sql);
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
        columnsByTable.remove(table);
    }

    private void addColumn(Connection c, String table, TableSchema.Column column) throws SQLException {
        String sql = dialect.addColumn(table, column);
        LOG.info("sink {}: schema evolution: {}", settings.sinkId(), sql);
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            // another writer (or an earlier attempt of this batch) added it already
            if (!"42701".equals(e.getSQLState()) && e.getErrorCode() != 1060) {
                throw e;
            }
        }
    }

    /** The table's columns (cached), or null when it does not exist. */
    private Set<String> columns(Connection c, String table) throws SQLException {
        Set<String> cached = columnsByTable.get(table);
        if (cached != null) {
            return cached;
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(dialect.probe(table))) {
            ResultSetMetaData md = rs.getMetaData();
            Set<String> cols = dialect.caseInsensitiveColumns() ? new TreeSet<>(String.CASE_INSENSITIVE_ORDER) : new HashSet<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                cols.add(md.getColumnName(i));
            }
            columnsByTable.put(table, cols);
            return cols;
        } catch (SQLException e) {
            if (NO_TABLE_STATES.contains(e.getSQLState()) || e.getErrorCode() == 1146) {
                return null;
            }
            throw e;
        }
    }

    // ---- the rest of the Sink contract --------------------------------------------------------

    @Override
    public String assetName(String sinkId, String sourceId, String collection) {
        int dot = collection.lastIndexOf('.');
        String table = settings.tablePrefix() + (dot < 0 ? collection : collection.substring(dot + 1));
        return sinkId + "_" + (settings.schema() == null ? table : settings.schema() + "." + table);
    }

    @Override
    public ComponentHealth health() {
        ComponentHealth h = health;
        Map<String, Object> details = new TreeMap<>();
        details.put("rows_written", rowsWritten);
        details.put("ddl_ignored", ddlIgnored);
        details.put("target", settings.connection().masked());
        return new ComponentHealth(h.status(), h.message(), details);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.close();
            pool = null;
        }
        columnsByTable.clear();
    }
}
