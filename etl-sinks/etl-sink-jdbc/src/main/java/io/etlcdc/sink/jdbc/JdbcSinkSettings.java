package io.etlcdc.sink.jdbc;

import io.etlcdc.core.config.ConnectionString;

import java.util.Objects;

/**
 * The resolved settings of one {@link JdbcSink}, built by {@link JdbcSinkProvider} from the user's
 * definition. Immutable. {@link #toString()} masks the password.
 *
 * @param sinkId           the sink's id, named in errors and the pool's name
 * @param connection       the target, e.g. {@code postgresql://user:pass@host:5432/warehouse}
 * @param tablePrefix      prepended to each source table's name to give the target table's
 * @param schema           the target schema (PostgreSQL) or database (MySQL); null for the connection's default
 * @param autoCreate       create a missing target table from the event's schema (or its values)
 * @param autoAddColumns   add a column that an event carries and the table lacks
 * @param applyTruncate    empty the target table on a TRUNCATE event (false: ignore them)
 * @param batchSize        rows per JDBC batch (statement execution)
 * @param poolSize         largest number of pooled connections
 * @param connectTimeoutMs how long to wait for a connection before the write counts as failed (and is retried)
 */
public record JdbcSinkSettings(
        String sinkId,
        ConnectionString connection,
        String tablePrefix,
        String schema,
        boolean autoCreate,
        boolean autoAddColumns,
        boolean applyTruncate,
        int batchSize,
        int poolSize,
        long connectTimeoutMs) {

    public JdbcSinkSettings {
        Objects.requireNonNull(sinkId, "sinkId");
        Objects.requireNonNull(connection, "connection");
        tablePrefix = tablePrefix == null ? "" : tablePrefix;
        schema = schema == null || schema.isBlank() ? null : schema;
        if (batchSize < 1 || poolSize < 1 || connectTimeoutMs < 250) {
            throw new IllegalArgumentException("batchSize and poolSize must be >= 1 and connectTimeoutMs >= 250");
        }
    }

    /** Defaults for a target: no prefix, auto-create and add columns on, batches of 1000, 2 connections, 10 s. */
    public static JdbcSinkSettings defaults(String sinkId, String connectionString) {
        return new JdbcSinkSettings(sinkId, ConnectionString.parse(connectionString), "", null, true, true, true,
                1000, 2, 10_000);
    }

    /** A copy with another table prefix. */
    public JdbcSinkSettings withTablePrefix(String prefix) {
        return new JdbcSinkSettings(sinkId, connection, prefix, schema, autoCreate, autoAddColumns, applyTruncate,
                batchSize, poolSize, connectTimeoutMs);
    }

    /** A copy with auto-create and column add switched. */
    public JdbcSinkSettings withEvolution(boolean create, boolean addColumns) {
        return new JdbcSinkSettings(sinkId, connection, tablePrefix, schema, create, addColumns, applyTruncate,
                batchSize, poolSize, connectTimeoutMs);
    }

    /** A copy with another connect timeout. */
    public JdbcSinkSettings withConnectTimeoutMs(long millis) {
        return new JdbcSinkSettings(sinkId, connection, tablePrefix, schema, autoCreate, autoAddColumns, applyTruncate,
                batchSize, poolSize, millis);
    }

    @Override
    public String toString() {
        return "JdbcSinkSettings[sinkId=" + sinkId + ", connection=" + connection.masked() + ", tablePrefix=" + tablePrefix
                + ", schema=" + schema + ", autoCreate=" + autoCreate + ", autoAddColumns=" + autoAddColumns
                + ", applyTruncate=" + applyTruncate + ", batchSize=" + batchSize + ", poolSize=" + poolSize
                + ", connectTimeoutMs=" + connectTimeoutMs + "]";
    }
}
