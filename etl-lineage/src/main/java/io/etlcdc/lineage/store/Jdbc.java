package io.etlcdc.lineage.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.etlcdc.core.config.Secrets;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.error.RetriableEtlException;
import io.etlcdc.core.json.EtlJson;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Pattern;

/** Plumbing shared by the JDBC stores: transactions, JSON columns, error mapping. */
final class Jdbc {
    /** Table prefixes are spliced into SQL, so they are restricted to plain identifiers. */
    static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,30}");
    static final String DEFAULT_PREFIX = "etl_";

    private Jdbc() {}

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    static String checkPrefix(String prefix) {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("table prefix must match " + PREFIX.pattern() + ", got '" + prefix + "'");
        }
        return prefix;
    }

    /** Runs {@code work} in one transaction, committing on success and rolling back on failure. */
    static <T> T inTransaction(DataSource dataSource, String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    static void createSchema(DataSource dataSource, String what, List<String> ddl) {
        inTransaction(dataSource, what, c -> {
            try (Statement s = c.createStatement()) {
                for (String sql : ddl) {
                    s.execute(sql);
                }
            }
            return null;
        });
    }

    /**
     * Connection trouble is worth retrying; anything else (bad SQL, a full disk, a constraint) is
     * not. The message never carries the JDBC URL's password.
     */
    static EtlException failure(String what, SQLException e) {
        String state = e.getSQLState();
        String message = what + " failed: " + Secrets.maskText(String.valueOf(e.getMessage()));
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException || (state != null && state.startsWith("08"))) {
            return new RetriableEtlException(ErrorCode.CONNECTION_FAILED, message, e);
        }
        return new EtlException(ErrorCode.STATE_CORRUPT, message, e);
    }

    static OffsetDateTime toDb(Instant t) {
        return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    static Instant fromDb(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    static String toJson(Object value) {
        try {
            return EtlJson.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new EtlException(ErrorCode.INTERNAL, "could not write lineage JSON: " + e.getOriginalMessage(), e);
        }
    }

    static <T> T fromJson(String json, TypeReference<T> type, String what) {
        try {
            return EtlJson.mapper().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new EtlException(ErrorCode.STATE_CORRUPT, what + " holds unreadable JSON: " + e.getOriginalMessage(), e);
        }
    }
}
