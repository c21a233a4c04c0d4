package io.etlcdc.sink.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/** The jdbc sink writing into an embedded PostgreSQL 16 (one server for the class, restarted by one test). */
class PostgresJdbcSinkIT extends AbstractJdbcSinkIT {
    private static Path dataDir;
    private static int port;
    private static EmbeddedPostgres pg;

    @BeforeAll
    static void startServer() throws IOException {
        dataDir = Files.createTempDirectory("etl-sink-pg").resolve("data");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        pg = server();
    }

    private static EmbeddedPostgres server() throws IOException {
        // same directory and port on every start, so a restart brings back the same database
        return EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port).start();
    }

    @AfterAll
    static void stopServer() throws IOException {
        if (pg != null) {
            pg.close();
        }
    }

    @Override
    protected String connectionString() {
        return "postgresql://postgres:secret@localhost:" + port + "/postgres";
    }

    @Override
    protected Connection connect() throws SQLException {
        return open("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "");
    }

    @Override
    protected void stopDatabase() throws IOException {
        pg.close();
        pg = null;
    }

    @Override
    protected void startDatabase() throws IOException {
        pg = server();
    }
}
