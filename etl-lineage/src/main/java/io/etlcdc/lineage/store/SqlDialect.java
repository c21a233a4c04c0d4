package io.etlcdc.lineage.store;

import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The SQL that differs between the two databases the stores run on: H2 (the embedded default, in
 * PostgreSQL mode) and PostgreSQL. Everything else the stores send is common SQL.
 */
enum SqlDialect {
    H2,
    POSTGRESQL;

    static SqlDialect of(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName();
        String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (p.contains("h2")) {
            return H2;
        }
        if (p.contains("postgres")) {
            return POSTGRESQL;
        }
        throw new EtlException(ErrorCode.CONFIG_INVALID, "the lineage and audit stores run on H2 or PostgreSQL, but the "
                + "DataSource they were given connects to '" + product + "'");
    }

    /**
     * An insert that replaces every non-key column when a row with the same key exists.
     *
     * @param columns all columns, key columns included
     */
    String upsert(String table, List<String> keys, List<String> columns) {
        String placeholders = columns.stream().map(c -> "?").collect(Collectors.joining(", "));
        if (this == H2) {
            return "MERGE INTO " + table + " (" + String.join(", ", columns) + ") KEY (" + String.join(", ", keys)
                    + ") VALUES (" + placeholders + ")";
        }
        String updates = columns.stream().filter(c -> !keys.contains(c)).map(c -> c + " = EXCLUDED." + c)
                .collect(Collectors.joining(", "));
        return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES (" + placeholders + ") ON CONFLICT ("
                + String.join(", ", keys) + ") DO " + (updates.isEmpty() ? "NOTHING" : "UPDATE SET " + updates);
    }

    /**
     * Adds one observation to a flow row, creating it when missing. Parameters: from, to, at (first),
     * at (last), events, failures.
     */
    String addFlow(String table) {
        if (this == H2) {
            return "MERGE INTO " + table + " f USING (SELECT CAST(? AS VARCHAR) AS from_asset, CAST(? AS VARCHAR) AS to_asset, "
                    + "CAST(? AS TIMESTAMP WITH TIME ZONE) AS first_seen, CAST(? AS TIMESTAMP WITH TIME ZONE) AS last_seen, "
                    + "CAST(? AS BIGINT) AS events, CAST(? AS BIGINT) AS failures) s "
                    + "ON f.from_asset = s.from_asset AND f.to_asset = s.to_asset "
                    + "WHEN MATCHED THEN UPDATE SET first_seen = LEAST(f.first_seen, s.first_seen), "
                    + "last_seen = GREATEST(f.last_seen, s.last_seen), events = f.events + s.events, failures = f.failures + s.failures "
                    + "WHEN NOT MATCHED THEN INSERT (from_asset, to_asset, first_seen, last_seen, events, failures) "
                    + "VALUES (s.from_asset, s.to_asset, s.first_seen, s.last_seen, s.events, s.failures)";
        }
        return "INSERT INTO " + table + " AS f (from_asset, to_asset, first_seen, last_seen, events, failures) "
                + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (from_asset, to_asset) DO UPDATE SET "
                + "first_seen = LEAST(f.first_seen, EXCLUDED.first_seen), last_seen = GREATEST(f.last_seen, EXCLUDED.last_seen), "
                + "events = f.events + EXCLUDED.events, failures = f.failures + EXCLUDED.failures";
    }
}
