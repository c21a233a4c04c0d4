package io.etlcdc.core.jdbc;

import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.error.RetriableEtlException;
import io.etlcdc.core.spi.StateStore;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Key-value state in a database table ({@code etl_state}); {@link #putAll} runs in one transaction.
 * Suits large state (join tables, aggregates) better than the file store: only changed keys are written.
 */
public final class JdbcStateStore implements StateStore {
    private final DataSource dataSource;
    private final JdbcDialect dialect;
    private final String table;
    private final String upsert;
    private final String delete;

    public JdbcStateStore(DataSource dataSource) {
        this(dataSource, "etl_state");
    }

    public JdbcStateStore(DataSource dataSource, String table) {
        this.dataSource = dataSource;
        this.dialect = JdbcDialect.of(dataSource);
        this.table = table;
        this.upsert = dialect.upsert(table, List.of("namespace", "state_key"), List.of("namespace", "state_key", "state_value"));
        this.delete = "DELETE FROM " + dialect.quote(table) + " WHERE " + dialect.quote("namespace") + " = ? AND "
                + dialect.quote("state_key") + " = ?";
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + dialect.quote(table) + " ("
                    + dialect.quote("namespace") + " VARCHAR(255) NOT NULL, "
                    + dialect.quote("state_key") + " VARCHAR(1024) NOT NULL, "
                    + dialect.quote("state_value") + " " + dialect.textType() + " NOT NULL, "
                    + "PRIMARY KEY (" + dialect.quote("namespace") + ", " + dialect.quote("state_key") + "))");
        } catch (SQLException e) {
            throw new EtlException(ErrorCode.CONNECTION_FAILED, "could not create state table " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> get(String namespace, String key) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + dialect.quote("state_value") + " FROM " + dialect.quote(table)
                     + " WHERE " + dialect.quote("namespace") + " = ? AND " + dialect.quote("state_key") + " = ?")) {
            ps.setString(1, namespace);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("read", namespace, e);
        }
    }

    @Override
    public Map<String, String> getAll(String namespace) {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + dialect.quote("state_key") + ", " + dialect.quote("state_value")
                     + " FROM " + dialect.quote(table) + " WHERE " + dialect.quote("namespace") + " = ?")) {
            ps.setString(1, namespace);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("read", namespace, e);
        }
    }

    @Override
    public void putAll(String namespace, Map<String, String> entries) {
        if (entries.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement up = c.prepareStatement(upsert); PreparedStatement del = c.prepareStatement(delete)) {
                int ups = 0;
                int dels = 0;
                for (Map.Entry<String, String> e : entries.entrySet()) {
                    if (e.getValue() == null) {
                        del.setString(1, namespace);
                        del.setString(2, e.getKey());
                        del.addBatch();
                        dels++;
                    } else {
                        up.setString(1, namespace);
                        up.setString(2, e.getKey());
                        up.setString(3, e.getValue());
                        up.addBatch();
                        ups++;
                    }
                }
                if (ups > 0) {
                    up.executeBatch();
                }
                if (dels > 0) {
                    del.executeBatch();
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw failure("write", namespace, e);
        }
    }

    @Override
    public void clear(String namespace) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM " + dialect.quote(table) + " WHERE " + dialect.quote("namespace") + " = ?")) {
            ps.setString(1, namespace);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("clear", namespace, e);
        }
    }

    private RetriableEtlException failure(String what, String namespace, SQLException e) {
        return new RetriableEtlException(ErrorCode.CONNECTION_FAILED, "could not " + what + " state namespace '" + namespace
                + "' in " + table + ": " + e.getMessage(), e);
    }
}
