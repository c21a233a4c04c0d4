package io.etlcdc.schema.store;

import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** The JDBC store on the embedded default: an H2 file database opened as the server opens it. */
class H2SchemaStoreTest extends SchemaStoreContract {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    Path dir;

    private String url;
    private JdbcConnectionPool pool;

    private JdbcConnectionPool open() {
        if (pool != null) {
            pool.dispose();
        }
        pool = JdbcConnectionPool.create(url, "sa", "");
        return pool;
    }

    @AfterEach
    void close() {
        if (pool != null) {
            pool.dispose();
        }
    }

    @Override
    protected SchemaStore newStore() {
        url = "jdbc:h2:file:" + dir.resolve("etl" + DATABASES.incrementAndGet()) + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
        return new JdbcSchemaStore(open());
    }

    /** Closes every connection, which closes the database file, and opens it again from disk. */
    @Override
    protected SchemaStore reopen(SchemaStore store) {
        return new JdbcSchemaStore(open());
    }
}
