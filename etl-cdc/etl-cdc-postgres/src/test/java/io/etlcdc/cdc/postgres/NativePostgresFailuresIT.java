package io.etlcdc.cdc.postgres;

import io.etlcdc.core.connectors.MemoryOffsetStore;
import io.etlcdc.core.connectors.MemorySink;
import io.etlcdc.core.pipeline.Pipeline;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The same failure scenarios as {@link PostgresFailuresIT}, with {@code engine: native}, and what only the native engine does. */
class NativePostgresFailuresIT extends PostgresFailuresIT {
    @Override
    protected String engine() {
        return "native";
    }

    @Test
    @Order(7)
    void withoutTheHeartbeatTableTheSlotStillMovesWhileIdle() throws Exception {
        db.sql("CREATE TABLE idle_items (id int PRIMARY KEY)", "CREATE TABLE idle_noise (id serial PRIMARY KEY, pad text)");
        MemorySink sink = new MemorySink();
        try (Pipeline p = pipeline("pg_idle", source("pg_idle", List.of("idle_items"), Map.of("heartbeat_write", false)), sink,
                new MemoryOffsetStore())) {
            db.sql("INSERT INTO idle_items VALUES (1)");
            awaitSize(sink, "public.idle_items", 1);
            db.sql("INSERT INTO idle_noise (pad) SELECT repeat('n', 500) FROM generate_series(1, 2000)");
            long walAfterNoise = query("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint");
            await().atMost(60, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS).until(() ->
                    query("SELECT (confirmed_flush_lsn - '0/0'::pg_lsn)::bigint FROM pg_replication_slots WHERE slot_name = 'etl_pg_idle'")
                            >= walAfterNoise);
        }
        assertThat(of(sink, "public.idle_items")).hasSize(1);
    }
}
