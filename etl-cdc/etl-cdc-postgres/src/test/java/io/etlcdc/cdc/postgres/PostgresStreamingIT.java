package io.etlcdc.cdc.postgres;

import io.etlcdc.core.connectors.MemoryOffsetStore;
import io.etlcdc.core.connectors.MemorySink;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.ColumnType;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.pipeline.Pipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.etlcdc.core.testing.ChangeEventAssert.assertThat;
import static io.etlcdc.core.testing.Events.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresStreamingIT {
    private PgTestDatabase db;

    @BeforeAll
    void startDatabase() throws Exception {
        db = new PgTestDatabase();
    }

    @AfterAll
    void stopDatabase() throws Exception {
        db.close();
    }

    private static List<ChangeEvent> of(MemorySink sink, String collection) {
        return sink.events().stream().filter(e -> e.collection().equals(collection)).toList();
    }

    @Test
    void insertUpdateDeleteStreamThroughAPipelineWithKeysRowsAndTypes() throws Exception {
        db.sql("CREATE TABLE items (id bigint PRIMARY KEY, name text, price numeric(10,2), seen timestamptz)",
                "INSERT INTO items VALUES (1, 'before-start', 1.50, '2024-01-02T03:04:05Z')");
        MemorySink sink = new MemorySink();
        try (Pipeline p = Pipeline.builder().source("pg_basic", db.source("pg_basic", List.of("items"), Map.of()))
                .sink("mem", sink).offsetStore(new MemoryOffsetStore()).stopTimeout(Duration.ofSeconds(30)).build()) {
            p.start();
            await().atMost(60, TimeUnit.SECONDS).until(() -> of(sink, "public.items").size() == 1);
            db.sql("INSERT INTO items VALUES (2, 'two', 2.25, NULL)",
                    "UPDATE items SET name = 'TWO' WHERE id = 2",
                    "DELETE FROM items WHERE id = 1");
            await().atMost(60, TimeUnit.SECONDS).until(() -> of(sink, "public.items").size() == 4);
        }
        List<ChangeEvent> events = of(sink, "public.items");
        assertThat(events.get(0)).hasOperation(Operation.INSERT).isSnapshot(true).hasKey(row("id", 1L))
                .hasAfterField("name", "before-start").hasAfterField("price", new BigDecimal("1.50"))
                .hasAfterField("seen", java.time.Instant.parse("2024-01-02T03:04:05Z"));
        assertThat(events.get(1)).hasOperation(Operation.INSERT).isSnapshot(false).hasKey(row("id", 2L))
                .hasAfterField("name", "two").hasAfterField("seen", null).hasNoBefore();
        assertThat(events.get(2)).hasOperation(Operation.UPDATE).hasKey(row("id", 2L)).hasAfterField("name", "TWO").hasNoBefore();
        assertThat(events.get(3)).hasOperation(Operation.DELETE).hasKey(row("id", 1L));
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i)).hasPositionAfter(events.get(i - 1).position());
        }
        assertThat(events.get(1).schema()).isNotNull();
        assertThat(events.get(1).schema().primaryKey()).containsExactly("id");
        assertThat(events.get(1).schema().column("price").orElseThrow().type()).isEqualTo(ColumnType.DECIMAL);
        assertThat(events.get(1).schema().column("price").orElseThrow().sourceType()).isEqualTo("numeric");
        assertThat(events.get(1).schema()).isSameAs(events.get(2).schema());
    }
}
