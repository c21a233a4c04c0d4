package io.etlcdc.cdc.mysql;

import io.etlcdc.core.connectors.MemoryOffsetStore;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.pipeline.Pipeline;
import io.etlcdc.core.spi.Sink;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Streams a 100k-row insert from MariaDB's binlog through a Pipeline into a counting sink and prints the rate
 * it measured (for the module notes). Asserts only that every row arrived once, in order: no timing assertions.
 */
class MySqlThroughputIT {
    private static final int ROWS = 100_000;

    @Test
    void streamsAHundredThousandRowInsertIntoACountingSink() throws Exception {
        try (MariaDbTestDatabase db = new MariaDbTestDatabase()) {
            db.sql("CREATE TABLE bulk (id bigint PRIMARY KEY, name varchar(40), amount decimal(12,2), "
                    + "created timestamp(3) DEFAULT CURRENT_TIMESTAMP(3))");
            AtomicLong count = new AtomicLong();
            AtomicLong firstAt = new AtomicLong();
            AtomicLong lastAt = new AtomicLong();
            AtomicLong outOfOrder = new AtomicLong();
            Sink counting = new Sink() {
                private ChangeEvent previous;

                @Override
                public void write(List<ChangeEvent> batch) {
                    firstAt.compareAndSet(0, System.nanoTime());
                    for (ChangeEvent e : batch) {
                        if (previous != null && !e.position().isAfter(previous.position())) {
                            outOfOrder.incrementAndGet();
                        }
                        previous = e;
                    }
                    lastAt.set(System.nanoTime());
                    count.addAndGet(batch.size());
                }
            };
            try (Pipeline p = Pipeline.builder().source("my_bulk", db.source("my_bulk", List.of("bulk"), Map.of("poll_interval", 0.1)))
                    .sink("count", counting).offsetStore(new MemoryOffsetStore()).stopTimeout(Duration.ofSeconds(30)).build()) {
                p.start();
                db.sql("INSERT INTO bulk (id, name, amount) VALUES (0, 'warm-up', 0)");
                await().atMost(60, TimeUnit.SECONDS).until(() -> count.get() == 1);
                firstAt.set(0);
                long start = System.nanoTime();
                for (int from = 1; from <= ROWS; from += 10_000) {
                    // MariaDB's sequence engine: seq_1_to_10000 is a table of the numbers 1..10000
                    db.sql("INSERT INTO bulk (id, name, amount) SELECT seq + " + (from - 1) + ", CONCAT('name-', seq), seq * 1.5 "
                            + "FROM seq_1_to_10000");
                }
                long inserted = System.nanoTime();
                await().atMost(300, TimeUnit.SECONDS).pollInterval(20, TimeUnit.MILLISECONDS).until(() -> count.get() == ROWS + 1);
                double endToEnd = ROWS / ((lastAt.get() - start) / 1e9);
                double streaming = ROWS / ((lastAt.get() - firstAt.get()) / 1e9);
                System.out.printf("THROUGHPUT %d rows: insert took %.2f s; end-to-end (insert start to last row in sink) %.0f events/s; "
                                + "streaming (first to last row in sink) %.0f events/s%n",
                        ROWS, (inserted - start) / 1e9, endToEnd, streaming);
            }
            assertThat(count.get()).isEqualTo(ROWS + 1);
            assertThat(outOfOrder.get()).isZero();
        }
    }
}
