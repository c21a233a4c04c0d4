package io.etlcdc.schema.store;

import io.etlcdc.core.event.ColumnType;
import io.etlcdc.core.event.TableSchema;
import io.etlcdc.schema.CheckCompatibilityRequest;
import io.etlcdc.schema.CompatibilityMode;
import io.etlcdc.schema.ParsedSchema;
import io.etlcdc.schema.RegisterSchemaRequest;
import io.etlcdc.schema.RegisterSchemaResponse;
import io.etlcdc.schema.SchemaIncompatibleException;
import io.etlcdc.schema.SchemaRegistry;
import io.etlcdc.schema.SchemaType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link SchemaStore} must do, exercised through the registry. Subclasses give a fresh,
 * empty store and, for persistent stores, the same store reopened as after a process restart.
 */
abstract class SchemaStoreContract {

    /** A new empty store. */
    protected abstract SchemaStore newStore() throws Exception;

    /** The store as a new process would open it (same data); null when the store keeps nothing. */
    protected abstract SchemaStore reopen(SchemaStore store) throws Exception;

    protected static String user(String... extraFields) {
        StringBuilder fields = new StringBuilder("{\"name\":\"id\",\"type\":\"long\"}");
        for (String f : extraFields) {
            fields.append(",{\"name\":\"").append(f).append("\",\"type\":[\"null\",\"string\"],\"default\":null}");
        }
        return "{\"type\":\"record\",\"name\":\"User\",\"fields\":[" + fields + "]}";
    }

    @Test
    void versionsIdsAndModesSurviveARestart() throws Exception {
        SchemaStore store = newStore();
        SchemaRegistry before = new SchemaRegistry(store);
        RegisterSchemaResponse v1 = before.register(RegisterSchemaRequest.of("users", user(), SchemaType.AVRO));
        RegisterSchemaResponse v2 = before.register(RegisterSchemaRequest.of("users", user("email"), SchemaType.AVRO));
        TableSchema table = new TableSchema("public.orders", List.of(TableSchema.Column.of("id", ColumnType.INT64, false),
                new TableSchema.Column("total", ColumnType.DECIMAL, "numeric(10,2)", true, null, 10, 2)), List.of("id"));
        RegisterSchemaResponse orders = before.register("pg_orders", ParsedSchema.table(table));
        before.setCompatibility("users", CompatibilityMode.FULL_TRANSITIVE);
        before.setGlobalCompatibility(CompatibilityMode.FORWARD);

        SchemaStore reopened = reopen(store);
        if (reopened == null) {
            return;
        }
        SchemaRegistry after = new SchemaRegistry(reopened);
        assertThat(after.subjects()).containsExactly("pg_orders", "users");
        assertThat(after.versions("users")).containsExactly(1, 2);
        assertThat(after.version("users", 1).id()).isEqualTo(v1.id());
        assertThat(after.latest("users").id()).isEqualTo(v2.id());
        assertThat(after.latest("users").schema().avro().getField("email")).isNotNull();
        assertThat(after.latest("users").registeredAt()).isBeforeOrEqualTo(Instant.now());
        assertThat(after.latest("pg_orders").schema().tableSchema()).contains(table);
        assertThat(after.latest("pg_orders").id()).isEqualTo(orders.id());
        assertThat(after.compatibility("users").compatibility()).isEqualTo(CompatibilityMode.FULL_TRANSITIVE);
        assertThat(after.globalCompatibility()).isEqualTo(CompatibilityMode.FORWARD);
        assertThat(after.compatibility("pg_orders").compatibility()).isEqualTo(CompatibilityMode.FORWARD);

        assertThat(after.register(RegisterSchemaRequest.of("users", user("email"), SchemaType.AVRO))).isEqualTo(v2);
        // FULL_TRANSITIVE survived: a field without default is refused against every version
        assertThatThrownBy(() -> after.register(RegisterSchemaRequest.of("users",
                "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"x\",\"type\":\"int\"}]}",
                SchemaType.AVRO))).isInstanceOf(SchemaIncompatibleException.class);
        RegisterSchemaResponse v3 = after.register(RegisterSchemaRequest.of("users", user("email", "phone"), SchemaType.AVRO));
        assertThat(v3.version()).isEqualTo(3);
        assertThat(v3.id()).isNotIn(v1.id(), v2.id(), orders.id());
        assertThat(after.migrate("users", 1, 3, java.util.Map.of("id", 5L))).containsKeys("id", "email", "phone");
    }

    @Test
    void aSchemaIsStoredOnceUnderOneIdWhateverTheSubject() throws Exception {
        SchemaStore store = newStore();
        long a = store.schemaId(SchemaType.AVRO, "f1", "\"string\"");
        long b = store.schemaId(SchemaType.AVRO, "f1", "\"string\"");
        long c = store.schemaId(SchemaType.AVRO, "f2", "\"long\"");
        assertThat(b).isEqualTo(a);
        assertThat(c).isNotEqualTo(a);
        assertThat(store.schema(a)).contains(new StoredSchema(a, SchemaType.AVRO, "f1", "\"string\""));
        assertThat(store.schema(987_654_321L)).isEmpty();
    }

    @Test
    void aTakenVersionNumberIsReportedNotOverwritten() throws Exception {
        SchemaStore store = newStore();
        long id1 = store.schemaId(SchemaType.AVRO, "x1", "\"int\"");
        long id2 = store.schemaId(SchemaType.AVRO, "x2", "\"long\"");
        assertThat(store.addVersion("s", 1, id1, Instant.now())).isTrue();
        assertThat(store.addVersion("s", 1, id2, Instant.now())).isFalse();
        assertThat(store.versions("s")).singleElement().satisfies(v -> assertThat(v.schemaId()).isEqualTo(id1));
        assertThat(store.versions("unknown")).isEmpty();
    }

    @Test
    void modesAreSetReplacedAndRemoved() throws Exception {
        SchemaStore store = newStore();
        assertThat(store.compatibility(null)).isEmpty();
        store.setCompatibility(null, CompatibilityMode.NONE);
        store.setCompatibility("a", CompatibilityMode.FULL);
        store.setCompatibility("a", CompatibilityMode.FORWARD);
        assertThat(store.compatibility(null)).contains(CompatibilityMode.NONE);
        assertThat(store.compatibility("a")).contains(CompatibilityMode.FORWARD);
        store.setCompatibility("a", null);
        assertThat(store.compatibility("a")).isEmpty();
        assertThat(store.compatibility(null)).contains(CompatibilityMode.NONE);
    }

    @Test
    void registriesSharingAStoreNeverHandOutAVersionTwice() throws Exception {
        SchemaStore store = newStore();
        store.setCompatibility("shared", CompatibilityMode.NONE);
        // two registries stand for two server processes on one database
        List<SchemaRegistry> registries = List.of(new SchemaRegistry(store), new SchemaRegistry(store));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Set<Integer> versions = ConcurrentHashMap.newKeySet();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                SchemaRegistry r = registries.get(t);
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 8; i++) {
                        versions.add(r.register(RegisterSchemaRequest.of("shared", user("f" + thread + "_" + i), SchemaType.AVRO)).version());
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(versions).hasSize(16);
        assertThat(new SchemaRegistry(store).versions("shared")).hasSize(16).containsExactlyElementsOf(versions.stream().sorted().toList());
        assertThat(new SchemaRegistry(store).checkCompatibility(CheckCompatibilityRequest.of("shared", user(), SchemaType.AVRO)).compatible())
                .isTrue();
    }

    @Test
    void largeSchemasAreKeptWhole() throws Exception {
        SchemaStore store = newStore();
        String[] fields = new String[400];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = "a_rather_long_column_name_number_" + i;
        }
        String big = user(fields);
        assertThat(big.length()).isGreaterThan(20_000);
        SchemaRegistry registry = new SchemaRegistry(store);
        RegisterSchemaResponse r = registry.register(RegisterSchemaRequest.of("wide", big, SchemaType.AVRO));
        SchemaStore reopened = reopen(store);
        SchemaRegistry after = new SchemaRegistry(reopened == null ? store : reopened);
        assertThat(after.version("wide", r.version()).schema().avro().getFields()).hasSize(401);
    }
}
