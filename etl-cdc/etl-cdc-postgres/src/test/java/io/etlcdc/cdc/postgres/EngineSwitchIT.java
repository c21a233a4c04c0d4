package io.etlcdc.cdc.postgres;

import io.etlcdc.core.connectors.MemoryOffsetStore;
import io.etlcdc.core.connectors.MemorySink;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.pipeline.Pipeline;
import io.etlcdc.core.pipeline.PipelineState;
import io.etlcdc.core.spi.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A source that ran on the Debezium engine and restarts on the native one (what an upgrade does to a
 * source whose config names no engine, since native became the default) loses nothing: not even when
 * the last position Debezium committed lies in the middle of a transaction.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EngineSwitchIT {
    private static final int TXN_ROWS = 100;
    private PgTestDatabase db;

    @BeforeAll
    void startDatabase() throws Exception {
        db = new PgTestDatabase();
    }

    @AfterAll
    void stopDatabase() throws Exception {
        db.close();
    }

    /** Accepts batches until it holds {@code limit} events of the big transaction, then refuses (the pipeline stops). */
    private static final class FailingAfter implements Sink {
        private final MemorySink inner = new MemorySink();
        private final int limit;

        FailingAfter(int limit) {
            this.limit = limit;
        }

        @Override
        public void write(List<ChangeEvent> batch) {
            if (ids(inner).stream().filter(id -> id > 0).count() >= limit) {
                throw new IllegalStateException("sink refuses (test)");
            }
            inner.write(batch);
        }
    }

    private static Set<Long> ids(MemorySink sink) {
        return sink.events().stream().filter(e -> e.collection().equals("public.switch_items"))
                .map(e -> ((Number) e.after().get("id")).longValue()).collect(Collectors.toCollection(TreeSet::new));
    }

    private Pipeline pipeline(String engine, Sink sink, MemoryOffsetStore offsets) {
        return Pipeline.builder().name("switch-" + engine)
                .source("pg_switch", db.source("pg_switch", List.of("switch_items"), Map.of("engine", engine, "snapshot_mode", "never")))
                .sink("mem", sink).offsetStore(offsets).maxBatchSize(7).stopTimeout(Duration.ofSeconds(30)).build();
    }

    @Test
    void debeziumToNativeLosesNothingEvenMidTransaction() throws Exception {
        db.sql("CREATE TABLE switch_items (id bigint PRIMARY KEY, name text)");
        MemoryOffsetStore offsets = new MemoryOffsetStore();
        FailingAfter first = new FailingAfter(21);
        Pipeline debezium = pipeline("debezium", first, offsets);
        debezium.start();
        // markers (negative ids) until the engine streams, then one transaction of TXN_ROWS rows
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (long marker = -1; ids(first.inner).isEmpty(); marker--) {
            assertThat(System.nanoTime()).as("the Debezium engine streams").isLessThan(deadline);
            db.sql("INSERT INTO switch_items VALUES (" + marker + ", 'marker')");
            Thread.sleep(300);
        }
        db.sql("INSERT INTO switch_items SELECT g, 'row ' || g FROM generate_series(1, " + TXN_ROWS + ") g");
        while (debezium.state() != PipelineState.FAILED) {
            assertThat(System.nanoTime()).as("the sink stops the Debezium pipeline").isLessThan(deadline);
            Thread.sleep(100);
        }
        debezium.close();
        Position committed = offsets.load("pg_switch").orElseThrow();
        Set<Long> delivered = ids(first.inner);
        assertThat(delivered.stream().filter(id -> id > 0).count()).as("delivered before the switch: part of the transaction")
                .isBetween(21L, (long) TXN_ROWS - 1);

        MemorySink second = new MemorySink();
        try (Pipeline nativ = pipeline("native", second, offsets)) {
            nativ.start();
            db.sql("INSERT INTO switch_items VALUES (" + (TXN_ROWS + 1) + ", 'after the switch')");
            deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!ids(second).contains((long) TXN_ROWS + 1)) {
                assertThat(System.nanoTime()).as("the native engine delivers the row written after the switch").isLessThan(deadline);
                Thread.sleep(100);
            }
        }
        System.out.printf("EngineSwitchIT: Debezium delivered %d of %d rows, committed %s; native delivered %d events from %s%n",
                delivered.stream().filter(id -> id > 0).count(), TXN_ROWS, committed.display(), second.events().size(),
                second.events().isEmpty() ? "-" : second.events().get(0).position().display());
        Set<Long> all = new TreeSet<>(delivered);
        all.addAll(ids(second));
        Set<Long> expected = LongStream.rangeClosed(1, TXN_ROWS + 1).boxed().collect(Collectors.toCollection(TreeSet::new));
        assertThat(all).as("rows delivered by either engine (Debezium committed %s)", committed.display()).containsAll(expected);
        assertThat(second.events()).allMatch(e -> e.position().isAfter(committed), "every native position sorts after Debezium's");
    }
}
