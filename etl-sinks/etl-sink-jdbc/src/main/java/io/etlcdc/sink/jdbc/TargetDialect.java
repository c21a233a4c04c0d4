package io.etlcdc.sink.jdbc;

import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.config.ConnectionString;
import io.etlcdc.core.event.ColumnType;
import io.etlcdc.core.event.TableSchema;
import io.etlcdc.core.jdbc.JdbcDialect;
import io.etlcdc.core.json.EtlJson;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The SQL the jdbc sink speaks to each target database: identifier quoting, the upsert, delete and
 * truncate statements, the column types tables are created with, and how values are bound.
 * Stateless and thread-safe.
 */
enum TargetDialect {
    POSTGRESQL(JdbcDialect.POSTGRESQL, "org.postgresql.Driver", 5432),
    MYSQL(JdbcDialect.MYSQL, "org.mariadb.jdbc.Driver", 3306);

    private final JdbcDialect base;
    private final String driverClass;
    private final int defaultPort;

    TargetDialect(JdbcDialect base, String driverClass, int defaultPort) {
        this.base = base;
        this.driverClass = driverClass;
        this.defaultPort = defaultPort;
    }

    /** The dialect for a connection-string scheme. */
    static TargetDialect forScheme(String scheme) {
        return switch (scheme.toLowerCase(Locale.ROOT)) {
            case "postgresql", "postgres" -> POSTGRESQL;
            case "mysql", "mariadb" -> MYSQL;
            default -> throw new ConfigException("connection_string", scheme + "://...",
                    "unsupported database for the jdbc sink; expected postgresql://, mysql:// or mariadb://");
        };
    }

    String driverClass() {
        return driverClass;
    }

    /**
     * The JDBC URL for a connection string, without user and password (they go to the pool as
     * properties); query parameters are passed to the driver.
     */
    String jdbcUrl(ConnectionString cs) {
        StringJoiner hosts = new StringJoiner(",");
        for (ConnectionString.HostPort hp : cs.hosts()) {
            String host = hp.host().contains(":") ? "[" + hp.host() + "]" : hp.host();
            hosts.add(host + ":" + (hp.port() < 0 ? defaultPort : hp.port()));
        }
        String prefix = this == POSTGRESQL ? "jdbc:postgresql://" : "jdbc:mariadb://";
        StringBuilder url = new StringBuilder(prefix).append(hosts).append('/').append(cs.database().orElse(""));
        char sep = '?';
        for (Map.Entry<String, String> p : cs.params().entrySet()) {
            url.append(sep).append(p.getKey()).append('=').append(p.getValue());
            sep = '&';
        }
        return url.toString();
    }

    /** Driver properties the sink relies on (the user's connection-string parameters win). */
    Map<String, String> driverProperties() {
        if (this == POSTGRESQL) {
            // untyped string parameters let the server cast text into jsonb, uuid, numeric... columns;
            // rewritten batches turn N single-row upserts into multi-row statements
            return Map.of("stringtype", "unspecified", "reWriteBatchedInserts", "true", "tcpKeepAlive", "true");
        }
        return Map.of("tcpKeepAlive", "true");
    }

    String quote(String identifier) {
        return base.quote(identifier);
    }

    /** A table name, qualified with {@code schema} when one is set. */
    String table(String schema, String table) {
        return schema == null || schema.isBlank() ? quote(table) : quote(schema) + "." + quote(table);
    }

    /** Whether column names compare case-insensitively (MySQL/MariaDB) or exactly (PostgreSQL, quoted). */
    boolean caseInsensitiveColumns() {
        return this == MYSQL;
    }

    /** An insert-or-update of {@code columns} (key columns among them), one {@code ?} per column. */
    String upsert(String qualifiedTable, List<String> keyColumns, List<String> columns) {
        StringJoiner cols = new StringJoiner(", ");
        StringJoiner params = new StringJoiner(", ");
        for (String c : columns) {
            cols.add(quote(c));
            params.add("?");
        }
        List<String> nonKey = columns.stream().filter(c -> !keyColumns.contains(c)).toList();
        String insert = "INSERT INTO " + qualifiedTable + " (" + cols + ") VALUES (" + params + ")";
        if (this == POSTGRESQL) {
            StringJoiner keys = new StringJoiner(", ");
            keyColumns.forEach(k -> keys.add(quote(k)));
            if (nonKey.isEmpty()) {
                return insert + " ON CONFLICT (" + keys + ") DO NOTHING";
            }
            StringJoiner set = new StringJoiner(", ");
            nonKey.forEach(c -> set.add(quote(c) + " = EXCLUDED." + quote(c)));
            return insert + " ON CONFLICT (" + keys + ") DO UPDATE SET " + set;
        }
        StringJoiner set = new StringJoiner(", ");
        (nonKey.isEmpty() ? keyColumns : nonKey).forEach(c -> set.add(quote(c) + " = VALUES(" + quote(c) + ")"));
        return insert + " ON DUPLICATE KEY UPDATE " + set;
    }

    String delete(String qualifiedTable, List<String> keyColumns) {
        StringJoiner where = new StringJoiner(" AND ");
        keyColumns.forEach(k -> where.add(quote(k) + " = ?"));
        return "DELETE FROM " + qualifiedTable + " WHERE " + where;
    }

    /**
     * Empties a table inside the batch's transaction. MySQL's TRUNCATE commits implicitly, so there it
     * is a DELETE without a condition.
     */
    String truncate(String qualifiedTable) {
        return this == POSTGRESQL ? "TRUNCATE TABLE " + qualifiedTable : "DELETE FROM " + qualifiedTable;
    }

    /** A query returning no rows whose metadata lists the table's columns; fails when the table does not exist. */
    String probe(String qualifiedTable) {
        return "SELECT * FROM " + qualifiedTable + " WHERE 1 = 0";
    }

    /** CREATE TABLE with the given columns (in order) and primary key; non-key columns are nullable. */
    String createTable(String qualifiedTable, Map<String, TableSchema.Column> columns, List<String> keyColumns) {
        StringJoiner defs = new StringJoiner(", ");
        columns.forEach((name, col) -> {
            boolean key = keyColumns.contains(name);
            defs.add(quote(name) + " " + sqlType(col, key) + (key ? " NOT NULL" : ""));
        });
        StringJoiner keys = new StringJoiner(", ");
        keyColumns.forEach(k -> keys.add(quote(k)));
        return "CREATE TABLE IF NOT EXISTS " + qualifiedTable + " (" + defs + ", PRIMARY KEY (" + keys + "))";
    }

    /** ALTER TABLE ... ADD COLUMN, nullable; the caller tolerates "already exists". */
    String addColumn(String qualifiedTable, TableSchema.Column column) {
        return "ALTER TABLE " + qualifiedTable + " ADD COLUMN " + quote(column.name()) + " " + sqlType(column, false);
    }

    /** The column type to create for a logical type; key columns get a type an index accepts. */
    String sqlType(TableSchema.Column column, boolean key) {
        Integer p = column.precision();
        Integer s = column.scale();
        if (this == POSTGRESQL) {
            return switch (column.type()) {
                case BOOLEAN -> "BOOLEAN";
                case INT32 -> "INTEGER";
                case INT64 -> "BIGINT";
                case FLOAT32 -> "REAL";
                case FLOAT64 -> "DOUBLE PRECISION";
                case DECIMAL -> p != null && p > 0 && p <= 1000 ? "NUMERIC(" + p + "," + (s == null ? 0 : s) + ")" : "NUMERIC";
                case STRING, UNKNOWN -> "TEXT";
                case BYTES -> "BYTEA";
                case DATE -> "DATE";
                case TIME -> "TIME";
                case TIMESTAMP -> "TIMESTAMP";
                case TIMESTAMP_TZ -> "TIMESTAMP WITH TIME ZONE";
                case UUID -> "UUID";
                case JSON, ARRAY, STRUCT -> "JSONB";
            };
        }
        return switch (column.type()) {
            case BOOLEAN -> "BOOLEAN";
            case INT32 -> "INT";
            case INT64 -> "BIGINT";
            case FLOAT32 -> "FLOAT";
            case FLOAT64 -> "DOUBLE";
            case DECIMAL -> p != null && p > 0 && p <= 65 ? "DECIMAL(" + p + "," + Math.min(s == null ? 0 : s, 30) + ")" : "DECIMAL(65,30)";
            // an index needs a bounded length: 768 characters fill utf8mb4's 3072-byte key limit
            case STRING, UNKNOWN -> key ? "VARCHAR(" + (p != null && p > 0 && p <= 768 ? p : 255) + ")" : "LONGTEXT";
            case BYTES -> key ? "VARBINARY(" + (p != null && p > 0 && p <= 3072 ? p : 255) + ")" : "LONGBLOB";
            case DATE -> "DATE";
            case TIME -> "TIME(6)";
            case TIMESTAMP, TIMESTAMP_TZ -> "DATETIME(6)";
            case UUID -> "CHAR(36)";
            case JSON, ARRAY, STRUCT -> key ? "VARCHAR(255)" : "LONGTEXT";
        };
    }

    /** The logical type of a Java value, for columns created without a schema. */
    static ColumnType typeOf(Object value) {
        if (value instanceof Boolean) {
            return ColumnType.BOOLEAN;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ColumnType.INT32;
        }
        if (value instanceof Long) {
            return ColumnType.INT64;
        }
        if (value instanceof Float) {
            return ColumnType.FLOAT32;
        }
        if (value instanceof Double) {
            return ColumnType.FLOAT64;
        }
        if (value instanceof BigDecimal || value instanceof BigInteger) {
            return ColumnType.DECIMAL;
        }
        if (value instanceof byte[]) {
            return ColumnType.BYTES;
        }
        if (value instanceof LocalDate) {
            return ColumnType.DATE;
        }
        if (value instanceof LocalTime) {
            return ColumnType.TIME;
        }
        if (value instanceof LocalDateTime) {
            return ColumnType.TIMESTAMP;
        }
        if (value instanceof Instant || value instanceof OffsetDateTime || value instanceof ZonedDateTime) {
            return ColumnType.TIMESTAMP_TZ;
        }
        if (value instanceof Map<?, ?>) {
            return ColumnType.STRUCT;
        }
        if (value instanceof Collection<?>) {
            return ColumnType.ARRAY;
        }
        return ColumnType.STRING;
    }

    /** Binds one value of an event row. */
    void bind(PreparedStatement ps, int index, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.NULL);
        } else if (value instanceof byte[] bytes) {
            ps.setBytes(index, bytes);
        } else if (value instanceof Instant instant) {
            if (this == POSTGRESQL) {
                ps.setObject(index, instant.atOffset(ZoneOffset.UTC));
            } else {
                // DATETIME keeps no zone: instants are stored as UTC wall-clock time
                ps.setObject(index, LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
            }
        } else if (value instanceof ZonedDateTime zoned) {
            bind(ps, index, zoned.toInstant());
        } else if (value instanceof OffsetDateTime odt && this == MYSQL) {
            bind(ps, index, odt.toInstant());
        } else if (value instanceof BigInteger big) {
            ps.setBigDecimal(index, new BigDecimal(big));
        } else if (value instanceof Map<?, ?> || value instanceof Collection<?>) {
            try {
                ps.setString(index, EtlJson.mapper().writeValueAsString(value));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new SQLException("value cannot be written as JSON: " + e.getOriginalMessage(), "22000", e);
            }
        } else {
            ps.setObject(index, value);
        }
    }
}
