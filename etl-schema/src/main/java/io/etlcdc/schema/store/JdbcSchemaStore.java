package io.etlcdc.schema.store;

import io.etlcdc.core.config.Secrets;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.error.RetriableEtlException;
import io.etlcdc.core.jdbc.JdbcDialect;
import io.etlcdc.schema.CompatibilityMode;
import io.etlcdc.schema.SchemaType;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link SchemaStore} in a relational database through plain JDBC, so that one class serves the
 * embedded default (an H2 file database) and PostgreSQL ({@code DATABASE_URL}); the few SQL differences
 * come from {@link JdbcDialect}. Creates its three tables when missing (prefix {@code etl_schema_} by
 * default):
 * <ul>
 *   <li>{@code etl_schema_schemas(id, schema_type, fingerprint UNIQUE, schema_text, created_at)}: each
 *   distinct schema once, with its global id;</li>
 *   <li>{@code etl_schema_versions(subject, version, schema_id, registered_at)}, key {@code (subject, version)}:
 *   the versions of each subject;</li>
 *   <li>{@code etl_schema_config(subject, compatibility)}: per-subject modes; the global one under the
 *   empty subject {@code ''}.</li>
 * </ul>
 * Uniqueness constraints make concurrent writers from several processes safe. Thread-safe; each call
 * borrows a connection from the {@link DataSource} (pool it). Transient database failures are thrown as
 * {@link RetriableEtlException} ({@link ErrorCode#CONNECTION_FAILED}); messages never carry credentials.
 */
public final class JdbcSchemaStore implements SchemaStore {
    /** The default prefix of the store's table names. */
    public static final String DEFAULT_PREFIX = "etl_schema_";
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String GLOBAL = "";

    private final DataSource dataSource;
    private final JdbcDialect dialect;
    private final String schemas;
    private final String versions;
    private final String config;
    private final String upsertConfig;

    /** A store on this data source with the default table names; creates the tables when missing. */
    public JdbcSchemaStore(DataSource dataSource) {
        this(dataSource, DEFAULT_PREFIX);
    }

    /** A store whose table names start with {@code prefix} (letters, digits and underscores). */
    public JdbcSchemaStore(DataSource dataSource, String prefix) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        if (prefix == null || !prefix.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("table prefix must be letters, digits and underscores, got '" + prefix + "'");
        }
        this.dialect = JdbcDialect.of(dataSource);
        this.schemas = dialect.quote(prefix + "schemas");
        this.versions = dialect.quote(prefix + "versions");
        this.config = dialect.quote(prefix + "config");
        this.upsertConfig = dialect.upsert(prefix + "config", List.of("subject"), List.of("subject", "compatibility"));
        createTables();
    }

    private void createTables() {
        String[] ddl = {
            "CREATE TABLE IF NOT EXISTS " + schemas + " ("
                + "id " + dialect.identityType() + " PRIMARY KEY, "
                + "schema_type VARCHAR(16) NOT NULL, "
                + "fingerprint VARCHAR(64) NOT NULL UNIQUE, "
                + "schema_text " + dialect.textType() + " NOT NULL, "
                + "created_at " + dialect.timestampType() + " NOT NULL)",
            "CREATE TABLE IF NOT EXISTS " + versions + " ("
                + "subject VARCHAR(255) NOT NULL, "
                + "version INTEGER NOT NULL, "
                + "schema_id BIGINT NOT NULL REFERENCES " + schemas + " (id), "
                + "registered_at " + dialect.timestampType() + " NOT NULL, "
                + "PRIMARY KEY (subject, version))",
            "CREATE TABLE IF NOT EXISTS " + config + " ("
                + "subject VARCHAR(255) NOT NULL PRIMARY KEY, "
                + "compatibility VARCHAR(32) NOT NULL)"
        };
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            for (String sql : ddl) {
                st.execute(sql);
            }
        } catch (SQLException e) {
            throw failure("creating the schema registry tables", e);
        }
    }

    @Override
    public long schemaId(SchemaType type, String fingerprint, String canonical) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            Optional<Long> existing = idOf(c, fingerprint);
            if (existing.isPresent()) {
                return existing.get();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO " + schemas + " (schema_type, fingerprint, schema_text, created_at) VALUES (?, ?, ?, ?)",
                    new String[] {"id"})) {
                ps.setString(1, type.name());
                ps.setString(2, fingerprint);
                ps.setString(3, canonical);
                ps.setObject(4, OffsetDateTime.now(ZoneOffset.UTC));
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    if (keys.next()) {
                        return keys.getLong(1);
                    }
                }
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                // another writer stored the same schema first
            }
            return idOf(c, fingerprint).orElseThrow(() -> new EtlException(ErrorCode.STATE_CORRUPT,
                    "schema store: schema " + fingerprint + " was stored but cannot be read back"));
        } catch (SQLException e) {
            throw failure("storing a schema", e);
        }
    }

    private Optional<Long> idOf(Connection c, String fingerprint) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + schemas + " WHERE fingerprint = ?")) {
            ps.setString(1, fingerprint);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    @Override
    public Optional<StoredSchema> schema(long id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, schema_type, fingerprint, schema_text FROM " + schemas + " WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StoredSchema(rs.getLong(1), SchemaType.parse(rs.getString(2)), rs.getString(3), rs.getString(4)));
            }
        } catch (SQLException e) {
            throw failure("reading schema " + id, e);
        }
    }

    @Override
    public List<String> subjects() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT DISTINCT subject FROM " + versions + " ORDER BY subject");
             ResultSet rs = ps.executeQuery()) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw failure("listing subjects", e);
        }
    }

    @Override
    public List<StoredVersion> versions(String subject) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT version, schema_id, registered_at FROM " + versions + " WHERE subject = ? ORDER BY version")) {
            ps.setString(1, subject);
            try (ResultSet rs = ps.executeQuery()) {
                List<StoredVersion> out = new ArrayList<>();
                while (rs.next()) {
                    OffsetDateTime at = rs.getObject(3, OffsetDateTime.class);
                    out.add(new StoredVersion(subject, rs.getInt(1), rs.getLong(2), at.toInstant()));
                }
                return out;
            }
        } catch (SQLException e) {
            throw failure("reading the versions of subject '" + subject + "'", e);
        }
    }

    @Override
    public boolean addVersion(String subject, int version, long schemaId, Instant registeredAt) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO " + versions + " (subject, version, schema_id, registered_at) VALUES (?, ?, ?, ?)")) {
            c.setAutoCommit(true);
            ps.setString(1, subject);
            ps.setInt(2, version);
            ps.setLong(3, schemaId);
            ps.setObject(4, registeredAt.atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return false;
            }
            throw failure("adding version " + version + " to subject '" + subject + "'", e);
        }
    }

    @Override
    public Optional<CompatibilityMode> compatibility(String subject) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT compatibility FROM " + config + " WHERE subject = ?")) {
            ps.setString(1, subject == null ? GLOBAL : subject);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(CompatibilityMode.parse(rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("reading the compatibility of " + (subject == null ? "the registry" : "subject '" + subject + "'"), e);
        }
    }

    @Override
    public void setCompatibility(String subject, CompatibilityMode mode) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            if (mode == null) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + config + " WHERE subject = ?")) {
                    ps.setString(1, subject == null ? GLOBAL : subject);
                    ps.executeUpdate();
                }
                return;
            }
            try (PreparedStatement ps = c.prepareStatement(upsertConfig)) {
                ps.setString(1, subject == null ? GLOBAL : subject);
                ps.setString(2, mode.name());
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw failure("setting the compatibility of " + (subject == null ? "the registry" : "subject '" + subject + "'"), e);
        }
    }

    private static EtlException failure(String what, SQLException e) {
        String message = "schema store: " + what + " failed: " + Secrets.maskText(String.valueOf(e.getMessage()));
        String state = e.getSQLState();
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException || (state != null && state.startsWith("08"))) {
            return new RetriableEtlException(ErrorCode.CONNECTION_FAILED, message, e);
        }
        return new EtlException(ErrorCode.STATE_CORRUPT, message, e);
    }
}
