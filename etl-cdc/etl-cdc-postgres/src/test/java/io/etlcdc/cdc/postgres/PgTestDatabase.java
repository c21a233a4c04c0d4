package io.etlcdc.cdc.postgres;

import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.Source;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One embedded PostgreSQL 16 with wal_level=logical, shared by a test class; can be restarted on the same port and data. */
final class PgTestDatabase implements AutoCloseable {
    private final Path dataDir;
    private int port;
    private EmbeddedPostgres pg;

    PgTestDatabase() throws IOException {
        this.dataDir = Files.createTempDirectory("etl-pg-");
        this.pg = start(false);
        this.port = pg.getPort();
    }

    private EmbeddedPostgres start(boolean reuse) throws IOException {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "20")
                .setServerConfig("max_wal_senders", "20")
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false);
        if (reuse) {
            b.setPort(port);
        }
        return b.start();
    }

    /** Stops the server and starts it again on the same port with the same data (a database restart). */
    void restart() throws IOException {
        pg.close();
        pg = start(true);
    }

    void stopServer() throws IOException {
        pg.close();
    }

    void startServer() throws IOException {
        pg = start(true);
    }

    int port() {
        return port;
    }

    String connectionString() {
        return "postgresql://postgres:secret@localhost:" + port + "/postgres";
    }

    Connection connect() throws SQLException {
        return pg.getPostgresDatabase().getConnection();
    }

    void sql(String... statements) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String st : statements) {
                s.execute(st);
            }
        }
    }

    /** Runs the statements in one transaction. */
    void transaction(String... statements) throws SQLException {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String st : statements) {
                    s.execute(st);
                }
            }
            c.commit();
        }
    }

    ConnectorDefinition definition(String id, Map<String, Object> config) {
        return new ConnectorDefinition(id, "postgresql", connectionString(), config);
    }

    /** A source with fast heartbeats/commits for tests. */
    Source source(String id, List<String> tables, Map<String, Object> extra) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("tables", tables);
        config.put("poll_interval", 0.05);
        config.put("commit_interval", 0.2);
        config.put("heartbeat_interval", 1);
        config.put("retry_initial_delay", 0.5);
        config.put("retry_max_delay", 2);
        config.putAll(extra);
        return new PostgresSourceProvider().create(ProviderContext.builder(id).definition(definition(id, config))
                .clock(Clock.systemUTC()).build());
    }

    @Override
    public void close() throws IOException {
        if (pg != null) {
            pg.close();
        }
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
