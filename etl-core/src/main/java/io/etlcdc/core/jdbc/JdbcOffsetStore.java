package io.etlcdc.core.jdbc;

import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.error.RetriableEtlException;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.json.EtlJson;
import io.etlcdc.core.spi.OffsetStore;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Committed positions in a database table ({@code etl_offsets}): the embedded H2 state database or
 * PostgreSQL via {@code DATABASE_URL}, so that another replica can resume where this one stopped.
 * Each commit is one upsert in its own transaction. Thread-safe.
 */
public final class JdbcOffsetStore implements OffsetStore {
    private final DataSource dataSource;
    private final JdbcDialect dialect;
    private final String table;
    private final String upsert;

    public JdbcOffsetStore(DataSource dataSource) {
        this(dataSource, "etl_offsets");
    }

    public JdbcOffsetStore(DataSource dataSource, String table) {
        this.dataSource = dataSource;
        this.dialect = JdbcDialect.of(dataSource);
        this.table = table;
        this.upsert = dialect.upsert(table, java.util.List.of("source_id"), java.util.List.of("source_id", "position", "committed_at"));
        createTable();
    }

    private void createTable() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + dialect.quote(table) + " ("
                    + dialect.quote("source_id") + " VARCHAR(255) NOT NULL PRIMARY KEY, "
                    + dialect.quote("position") + " " + dialect.textType() + " NOT NULL, "
                    + dialect.quote("committed_at") + " " + dialect.timestampType() + " NOT NULL)");
        } catch (SQLException e) {
            throw new EtlException(ErrorCode.CONNECTION_FAILED, "could not create offset table " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Position> load(String sourceId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + dialect.quote("position") + " FROM " + dialect.quote(table)
                     + " WHERE " + dialect.quote("source_id") + " = ?")) {
            ps.setString(1, sourceId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(parse(sourceId, rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new RetriableEtlException(ErrorCode.CONNECTION_FAILED, "could not read offsets from " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, Position> loadAll() {
        Map<String, Position> out = new TreeMap<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + dialect.quote("source_id") + ", " + dialect.quote("position") + " FROM " + dialect.quote(table))) {
            while (rs.next()) {
                out.put(rs.getString(1), parse(rs.getString(1), rs.getString(2)));
            }
            return out;
        } catch (SQLException e) {
            throw new RetriableEtlException(ErrorCode.CONNECTION_FAILED, "could not read offsets from " + table + ": " + e.getMessage(), e);
        }
    }

    private Position parse(String sourceId, String json) {
        try {
            return EtlJson.mapper().readValue(json, Position.class);
        } catch (IOException | RuntimeException e) {
            throw new EtlException(ErrorCode.STATE_CORRUPT, "the committed position of source '" + sourceId + "' in table " + table
                    + " is unreadable (" + e.getMessage() + "); refusing to restart capture from 'now'. "
                    + "Fix the row or delete it to re-snapshot that source.", e);
        }
    }

    @Override
    public void commit(String sourceId, Position position) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(upsert)) {
            ps.setString(1, sourceId);
            ps.setString(2, EtlJson.mapper().writeValueAsString(position));
            ps.setTimestamp(3, Timestamp.from(Instant.now()));
            ps.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException | IOException e) {
            throw new RetriableEtlException(ErrorCode.CONNECTION_FAILED, "could not commit the position of source '" + sourceId
                    + "' to " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void reset(String sourceId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM " + dialect.quote(table) + " WHERE " + dialect.quote("source_id") + " = ?")) {
            ps.setString(1, sourceId);
            ps.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException e) {
            throw new RetriableEtlException(ErrorCode.CONNECTION_FAILED, "could not reset source '" + sourceId + "': " + e.getMessage(), e);
        }
    }
}
