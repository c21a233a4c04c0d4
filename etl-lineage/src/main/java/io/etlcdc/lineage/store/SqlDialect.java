package io.etlcdc.lineage.store;

import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.jdbc.JdbcDialect;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The SQL of these stores that differs between their two databases, H2 (the embedded default, in
 * PostgreSQL mode) and PostgreSQL, beyond what etl-core's {@link JdbcDialect} covers: adding an
 * observation to a flow row in one statement.
 */
final class SqlDialect {
    private SqlDialect() {}

    /** The dialect of the connection's database; H2 or PostgreSQL, anything else is refused. */
    static JdbcDialect of(Connection connection) throws SQLException {
        JdbcDialect dialect = JdbcDialect.of(connection);
        if (dialect != JdbcDialect.H2 && dialect != JdbcDialect.POSTGRESQL) {
            throw new EtlException(ErrorCode.CONFIG_INVALID, "the lineage and audit stores run on H2 or PostgreSQL, but the "
                    + "DataSource they were given connects to '" + connection.getMetaData().getDatabaseProductName() + "'");
        }
        return dialect;
    }

    /**
     * Adds one observation to a flow row, creating it when missing; the sums are done by the
     * database, so concurrent writers lose nothing. Parameters: from, to, first seen, last seen,
     * events, failures.
     */
    static String addFlow(JdbcDialect dialect, String table) {
        if (dialect == JdbcDialect.H2) {
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
