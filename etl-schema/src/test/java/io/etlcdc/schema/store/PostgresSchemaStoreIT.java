package io.etlcdc.schema.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import javax.sql.DataSource;
import java.util.concurrent.atomic.AtomicInteger;

/** The JDBC store on a real PostgreSQL server (one per class); each test gets its own tables. */
class PostgresSchemaStoreIT extends SchemaStoreContract {
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static EmbeddedPostgres server;

    private String prefix;

    @BeforeAll
    static void startServer() throws Exception {
        server = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static DataSource dataSource() {
        return server.getPostgresDatabase();
    }

    @Override
    protected SchemaStore newStore() {
        prefix = "t" + PREFIXES.incrementAndGet() + "_schema_";
        return new JdbcSchemaStore(dataSource(), prefix);
    }

    /** A new store and registry on the same database: what a restarted server process sees. */
    @Override
    protected SchemaStore reopen(SchemaStore store) {
        return new JdbcSchemaStore(dataSource(), prefix);
    }
}
