package io.etlcdc.server.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The demo's databases: a real PostgreSQL server (embedded binaries, {@code wal_level=logical}) with
 * a {@code shop} database holding {@code users} and {@code orders}, a {@code warehouse} database for
 * the JDBC sink, and a generator of inserts, updates and deletes (now and then a record with a bad
 * email, so that the quality rules have something to catch).
 */
public final class DemoDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoDatabase.class);
    private static final List<String> NAMES = List.of("ada", "grace", "alan", "edsger", "barbara", "ken", "dennis", "margaret",
            "linus", "guido", "james", "bjarne", "donald", "john", "leslie", "frances");

    private final EmbeddedPostgres postgres;
    private ScheduledExecutorService generator;
    private long nextUser = 1;

    private DemoDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** Starts PostgreSQL in {@code dir} (wiped first) and creates the demo schema with a few rows. */
    public static DemoDatabase start(Path dir) throws IOException, SQLException {
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(true)
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_wal_senders", "10")
                .setServerConfig("max_replication_slots", "10")
                .start();
        DemoDatabase db = new DemoDatabase(pg);
        db.createSchema();
        LOG.info("demo PostgreSQL on port {}: databases shop (users, orders) and warehouse", pg.getPort());
        return db;
    }

    public int port() {
        return postgres.getPort();
    }

    /** Connection string of a demo database in the spec's URL form. */
    public String url(String database) {
        return "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/" + database;
    }

    private Connection connect(String database) throws SQLException {
        return postgres.getDatabase("postgres", database).getConnection();
    }

    private void createSchema() throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE shop");
            s.execute("CREATE DATABASE warehouse");
        }
        try (Connection c = connect("shop"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE users (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, email TEXT, phone TEXT, "
                    + "status TEXT NOT NULL DEFAULT 'active', created_at TIMESTAMPTZ NOT NULL DEFAULT now())");
            s.execute("CREATE TABLE orders (id BIGSERIAL PRIMARY KEY, user_id BIGINT NOT NULL, price NUMERIC(10,2) NOT NULL, "
                    + "tax NUMERIC(10,2) NOT NULL, status TEXT NOT NULL DEFAULT 'active', created_at TIMESTAMPTZ NOT NULL DEFAULT now())");
            s.execute("ALTER TABLE users REPLICA IDENTITY FULL");
            s.execute("ALTER TABLE orders REPLICA IDENTITY FULL");
        }
        for (int i = 0; i < 10; i++) {
            insertUser(false);
            insertOrder();
        }
    }

    /** Generates roughly {@code perSecond} changes a second until closed. */
    public synchronized void startGenerator(int perSecond) {
        if (generator != null) {
            return;
        }
        generator = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-generator");
            t.setDaemon(true);
            return t;
        });
        long periodMicros = Math.max(1000, 1_000_000L / Math.max(1, perSecond));
        generator.scheduleAtFixedRate(this::oneChange, 500_000, periodMicros, TimeUnit.MICROSECONDS);
    }

    private void oneChange() {
        try {
            int dice = ThreadLocalRandom.current().nextInt(100);
            if (dice < 30) {
                insertUser(dice < 2);
            } else if (dice < 70) {
                insertOrder();
            } else if (dice < 90) {
                updateSomething();
            } else {
                deleteOrder();
            }
        } catch (SQLException e) {
            LOG.debug("demo change failed: {}", e.getMessage());
        }
    }

    private synchronized void insertUser(boolean badEmail) throws SQLException {
        String name = NAMES.get(ThreadLocalRandom.current().nextInt(NAMES.size())) + (nextUser++);
        try (Connection c = connect("shop");
             PreparedStatement ps = c.prepareStatement("INSERT INTO users (name, email, phone, status) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, name);
            ps.setString(2, badEmail ? name + "-at-example" : name + "@example.com");
            ps.setString(3, String.format("+1-555-%03d-%04d", ThreadLocalRandom.current().nextInt(1000), ThreadLocalRandom.current().nextInt(10000)));
            ps.setString(4, ThreadLocalRandom.current().nextInt(4) == 0 ? "inactive" : "active");
            ps.executeUpdate();
        }
    }

    private void insertOrder() throws SQLException {
        try (Connection c = connect("shop");
             PreparedStatement ps = c.prepareStatement("INSERT INTO orders (user_id, price, tax, status) "
                     + "SELECT id, ?, ?, ? FROM users ORDER BY random() LIMIT 1")) {
            double price = ThreadLocalRandom.current().nextInt(100, 50_000) / 100.0;
            ps.setBigDecimal(1, java.math.BigDecimal.valueOf(price));
            ps.setBigDecimal(2, java.math.BigDecimal.valueOf(Math.round(price * 8) / 100.0));
            ps.setString(3, ThreadLocalRandom.current().nextInt(5) == 0 ? "cancelled" : "active");
            ps.executeUpdate();
        }
    }

    private void updateSomething() throws SQLException {
        try (Connection c = connect("shop"); Statement s = c.createStatement()) {
            if (ThreadLocalRandom.current().nextBoolean()) {
                s.executeUpdate("UPDATE users SET status = CASE status WHEN 'active' THEN 'inactive' ELSE 'active' END "
                        + "WHERE id = (SELECT id FROM users ORDER BY random() LIMIT 1)");
            } else {
                s.executeUpdate("UPDATE orders SET price = price + 1 WHERE id = (SELECT id FROM orders ORDER BY random() LIMIT 1)");
            }
        }
    }

    private void deleteOrder() throws SQLException {
        try (Connection c = connect("shop"); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM orders WHERE id = (SELECT id FROM orders ORDER BY random() LIMIT 1)");
        }
    }

    @Override
    public synchronized void close() {
        if (generator != null) {
            generator.shutdownNow();
        }
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn("stopping the demo PostgreSQL failed: {}", e.toString());
        }
    }
}
