package io.etlcdc.server.state;

import com.fasterxml.jackson.core.type.TypeReference;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.jdbc.JdbcDialect;
import io.etlcdc.core.json.EtlJson;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What users created through the API (sources, sinks, transformation rules, quality rules, and
 * which sources are started with which tables), kept in the state database so that a restart (or
 * another replica) restores it. Bodies are JSON objects; each kind keeps insertion order.
 */
public final class DefinitionStore {
    /** What a definition is. */
    public enum Kind { SOURCE, SINK, RULE, QUALITY_RULE, SOURCE_RUN, PIPELINE, SNAPSHOT_REQUEST, STATUS }

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final DataSource dataSource;
    private final JdbcDialect dialect;
    private final String upsert;

    public DefinitionStore(DataSource dataSource) {
        this.dataSource = dataSource;
        this.dialect = JdbcDialect.of(dataSource);
        this.upsert = dialect.upsert("etl_definitions", List.of("kind", "id"), List.of("kind", "id", "body", "seq", "updated_at"));
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS etl_definitions (kind VARCHAR(32) NOT NULL, id VARCHAR(255) NOT NULL, body "
                    + dialect.textType() + " NOT NULL, seq BIGINT NOT NULL, updated_at " + dialect.timestampType()
                    + " NOT NULL, PRIMARY KEY (kind, id))");
        } catch (SQLException e) {
            throw new EtlException(ErrorCode.CONNECTION_FAILED, "cannot create table etl_definitions: " + e.getMessage(), e);
        }
    }

    /** Every definition of a kind, by id, in the order first created. */
    public Map<String, Map<String, Object>> list(Kind kind) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, body FROM etl_definitions WHERE kind = ? ORDER BY seq, id")) {
            ps.setString(1, kind.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), parse(kind, rs.getString(1), rs.getString(2)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new EtlException(ErrorCode.CONNECTION_FAILED, "cannot read " + kind + " definitions: " + e.getMessage(), e);
        }
    }

    public Optional<Map<String, Object>> get(Kind kind, String id) {
        return Optional.ofNullable(list(kind).get(id));
    }

    /** Creates or replaces a definition; a replaced one keeps its place in the order. */
    public void put(Kind kind, String id, Map<String, Object> body) {
        try (Connection c = dataSource.getConnection()) {
            long seq;
            try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM etl_definitions WHERE kind = ? AND id = ?")) {
                ps.setString(1, kind.name());
                ps.setString(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    seq = rs.next() ? rs.getLong(1) : System.currentTimeMillis() * 1000 + (System.nanoTime() % 1000 + 1000) % 1000;
                }
            }
            try (PreparedStatement ps = c.prepareStatement(upsert)) {
                ps.setString(1, kind.name());
                ps.setString(2, id);
                ps.setString(3, EtlJson.mapper().writeValueAsString(body));
                ps.setLong(4, seq);
                ps.setTimestamp(5, Timestamp.from(Instant.now()));
                ps.executeUpdate();
            }
        } catch (SQLException | IOException e) {
            throw new EtlException(ErrorCode.CONNECTION_FAILED, "cannot save " + kind + " '" + id + "': " + e.getMessage(), e);
        }
    }

    /** Deletes a definition; true when it existed. */
    public boolean delete(Kind kind, String id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM etl_definitions WHERE kind = ? AND id = ?")) {
            ps.setString(1, kind.name());
            ps.setString(2, id);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new EtlException(ErrorCode.CONNECTION_FAILED, "cannot delete " + kind + " '" + id + "': " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> parse(Kind kind, String id, String json) {
        try {
            return EtlJson.mapper().readValue(json, MAP);
        } catch (IOException e) {
            throw new EtlException(ErrorCode.STATE_CORRUPT, "the stored " + kind + " '" + id + "' in etl_definitions is unreadable: "
                    + e.getMessage(), e);
        }
    }
}
