package io.etlcdc.cdc.mysql;

import io.debezium.config.Configuration;
import io.debezium.relational.history.HistoryRecord;
import io.debezium.relational.history.SchemaHistoryException;
import io.debezium.relational.history.SchemaHistoryListener;
import io.etlcdc.core.jdbc.JdbcStateStore;
import io.etlcdc.core.spi.StateStore;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The schema history in a JDBC StateStore (H2 here, PostgreSQL when DATABASE_URL is set): written, recovered in order, durable. */
class StateStoreSchemaHistoryTest {
    @TempDir
    Path dir;

    private final List<String> tokens = new ArrayList<>();

    @AfterEach
    void unregister() {
        tokens.forEach(StateStoreSchemaHistory::unregister);
    }

    private StateStore store() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + dir.resolve("state") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
        return new JdbcStateStore(h2);
    }

    private StateStoreSchemaHistory history(StateStore store) {
        String token = "t" + tokens.size();
        tokens.add(token);
        StateStoreSchemaHistory.register(token, store, StateStoreSchemaHistory.namespace("mysql_main"));
        StateStoreSchemaHistory h = new StateStoreSchemaHistory();
        h.configure(Configuration.create().with(StateStoreSchemaHistory.STORE_KEY, token).build(), null, SchemaHistoryListener.NOOP, true);
        h.start();
        return h;
    }

    private static List<String> recovered(StateStoreSchemaHistory h) throws InterruptedException {
        List<String> ddl = new ArrayList<>();
        h.recoverRecordsForTest(r -> ddl.add(r.document().getString("ddl")));
        return ddl;
    }

    @Test
    void recordsSurviveANewHistoryOnANewStoreAndReplayInOrder() throws Exception {
        StateStoreSchemaHistory first = history(store());
        assertThat(first.exists()).isFalse();
        for (int i = 0; i < 12; i++) {
            first.record(Map.of("server", "mysql_main"), Map.of("file", "mysql-bin.000001", "pos", 100L + i), "shop",
                    "ALTER TABLE t ADD COLUMN c" + i + " int");
        }
        first.stop();
        StateStoreSchemaHistory second = history(store());
        assertThat(second.exists()).isTrue();
        List<String> ddl = recovered(second);
        assertThat(ddl).hasSize(12);
        assertThat(ddl.get(0)).endsWith("c0 int");
        assertThat(ddl.get(11)).endsWith("c11 int");
        second.record(Map.of("server", "mysql_main"), Map.of("file", "mysql-bin.000002", "pos", 4L), "shop", "DROP TABLE t");
        assertThat(recovered(history(store()))).hasSize(13).last().isEqualTo("DROP TABLE t");
    }

    @Test
    void aBufferedBurstIsWrittenAtOnceWhenBufferingStops() throws Exception {
        AtomicInteger writes = new AtomicInteger();
        StateStore memory = new io.etlcdc.core.connectors.MemoryStateStore();
        StateStore counting = new StateStore() {
            @Override
            public java.util.Optional<String> get(String namespace, String key) {
                return memory.get(namespace, key);
            }

            @Override
            public Map<String, String> getAll(String namespace) {
                return memory.getAll(namespace);
            }

            @Override
            public void putAll(String namespace, Map<String, String> entries) {
                writes.incrementAndGet();
                memory.putAll(namespace, entries);
            }

            @Override
            public void clear(String namespace) {
                memory.clear(namespace);
            }
        };
        StateStoreSchemaHistory h = history(counting);
        h.startBuffering();
        for (int i = 0; i < 50; i++) {
            h.record(Map.of("server", "s"), Map.of("pos", (long) i), "shop", "CREATE TABLE t" + i + " (id int)");
        }
        assertThat(writes.get()).isZero();
        h.stopBuffering();
        assertThat(writes.get()).isEqualTo(1);
        assertThat(recovered(h)).hasSize(50);
    }

    @Test
    void aHistoryWithoutARegisteredStoreRefusesToStart() {
        StateStoreSchemaHistory h = new StateStoreSchemaHistory();
        assertThatThrownBy(() -> h.configure(Configuration.create().with(StateStoreSchemaHistory.STORE_KEY, "missing").build(), null,
                SchemaHistoryListener.NOOP, true)).isInstanceOf(SchemaHistoryException.class).hasMessageContaining("missing");
    }
}
