package io.etlcdc.schema.store;

import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.schema.RegisterSchemaRequest;
import io.etlcdc.schema.SchemaRegistry;
import io.etlcdc.schema.SchemaType;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

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

    @Test
    void aHostsContextChoosesTheStore() {
        newStore();
        SchemaRegistry onDatabase = SchemaRegistry.create(ProviderContext.builder("schema").service(DataSource.class, pool).build());
        assertThat(onDatabase.store()).isInstanceOf(JdbcSchemaStore.class);
        onDatabase.register(RegisterSchemaRequest.of("s", "string", SchemaType.AVRO));
        assertThat(new SchemaRegistry(reopen(null)).versions("s")).containsExactly(1);
        assertThat(SchemaRegistry.create(ProviderContext.builder("schema").build()).store()).isInstanceOf(InMemorySchemaStore.class);
    }

    /** Closes every connection, which closes the database file, and opens it again from disk. */
    @Override
    protected SchemaStore reopen(SchemaStore store) {
        return new JdbcSchemaStore(open());
    }
}
