package io.etlcdc.schema.store;

import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.ColumnType;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.event.SchemaRef;
import io.etlcdc.core.event.TableSchema;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.TransformCollector;
import io.etlcdc.schema.RegisterSchemaRequest;
import io.etlcdc.schema.SchemaRegistry;
import io.etlcdc.schema.SchemaTracker;
import io.etlcdc.schema.SchemaType;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    @Test
    void aRestartedTrackerStampsTheVersionsItRegisteredBefore() {
        TableSchema users = new TableSchema("public.users", List.of(TableSchema.Column.of("id", ColumnType.INT64, false)), List.of("id"));
        TableSchema withPhone = new TableSchema("public.users", List.of(TableSchema.Column.of("id", ColumnType.INT64, false),
                TableSchema.Column.of("phone", ColumnType.STRING, true)), List.of("id"));
        List<ChangeEvent> before = new ArrayList<>();
        SchemaTracker.create(new SchemaRegistry(newStore())).apply(List.of(event(1, users), event(2, withPhone)), collector(before));
        assertThat(before).extracting(ChangeEvent::schemaRef).containsExactly(new SchemaRef("pg_users", 1), new SchemaRef("pg_users", 2));

        List<ChangeEvent> after = new ArrayList<>();
        SchemaRegistry reopened = new SchemaRegistry(reopen(null));
        SchemaTracker.create(reopened).apply(List.of(event(3, withPhone)), collector(after));
        assertThat(after).extracting(ChangeEvent::schemaRef).containsExactly(new SchemaRef("pg_users", 2));
        assertThat(reopened.versions("pg_users")).containsExactly(1, 2);
    }

    private static ChangeEvent event(long n, TableSchema schema) {
        return ChangeEvent.builder("pg", "public.users", Operation.INSERT).key(Map.of("id", n)).after(Map.of("id", n))
                .position(Position.of(n)).schema(schema).build();
    }

    private static TransformCollector collector(List<ChangeEvent> emitted) {
        return new TransformCollector() {
            @Override
            public void emit(ChangeEvent event) {
                emitted.add(event);
            }

            @Override
            public void filter(ChangeEvent event, String ruleId) {
                throw new AssertionError("filter");
            }

            @Override
            public void drop(ChangeEvent event, String ruleId, String reason) {
                throw new AssertionError("drop");
            }

            @Override
            public void deadLetter(ChangeEvent event, String ruleId, String reason, Map<String, Object> details) {
                throw new AssertionError(reason);
            }

            @Override
            public void failSource(String sourceId, String reason) {
                throw new AssertionError(reason);
            }

            @Override
            public void failPipeline(String reason) {
                throw new AssertionError(reason);
            }
        };
    }

    /** Closes every connection, which closes the database file, and opens it again from disk. */
    @Override
    protected SchemaStore reopen(SchemaStore store) {
        return new JdbcSchemaStore(open());
    }
}
