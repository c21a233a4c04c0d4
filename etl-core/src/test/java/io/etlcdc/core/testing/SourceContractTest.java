package io.etlcdc.core.testing;

import io.etlcdc.core.connectors.FileOffsetStore;
import io.etlcdc.core.connectors.MemorySink;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.pipeline.Pipeline;
import io.etlcdc.core.spi.Source;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What every change-data-capture {@link Source} must do, checked against a real database through the
 * pipeline runtime: row changes arrive with the right operation, key and rows; rows written in one
 * transaction get distinct, increasing positions; TRUNCATE and DDL arrive; and a stop in the middle of
 * a stream followed by a restart (same source id, same {@link FileOffsetStore}) delivers every change
 * exactly once.
 *
 * <p>Subclasses supply the database operations on one table with columns {@code id} (whole-number
 * primary key) and {@code name} (text), and sources capturing it. Each test calls
 * {@link #recreateTable()} first and uses its own source id, so tests do not share positions.
 */
public abstract class SourceContractTest {

    /** Drops and creates the contract table, empty. */
    protected abstract void recreateTable() throws Exception;

    /** A new source capturing the contract table; the same id must resume where the last one with that id committed. */
    protected abstract Source newSource(String sourceId) throws Exception;

    /** The collection name the source gives the contract table's events, e.g. {@code public.contract_items}. */
    protected abstract String collection();

    protected abstract void insertRow(long id, String name) throws Exception;

    protected abstract void updateRow(long id, String name) throws Exception;

    protected abstract void deleteRow(long id) throws Exception;

    /** Inserts rows {@code from..to} in one transaction. */
    protected abstract void insertRowsInOneTransaction(long from, long to) throws Exception;

    /** Empties the table with the database's TRUNCATE. */
    protected void truncate() throws Exception {
        throw new UnsupportedOperationException("TRUNCATE not supported");
    }

    /** Adds a nullable text column to the table (a DDL statement). */
    protected void addColumn(String column) throws Exception {
        throw new UnsupportedOperationException("DDL not supported");
    }

    protected boolean supportsTruncate() {
        return true;
    }

    protected boolean supportsDdl() {
        return true;
    }

    /** The key of row {@code id} as the source emits it. */
    protected Map<String, Object> key(long id) {
        return Events.row("id", id);
    }

    /** How long to wait for changes to arrive. */
    protected Duration timeout() {
        return Duration.ofSeconds(60);
    }

    @TempDir
    protected Path tempDir;

    private Pipeline start(String sourceId, MemorySink sink, Source source) {
        Pipeline p = Pipeline.builder().name("contract-" + sourceId).source(sourceId, source).sink("mem", sink)
                .offsetStore(new FileOffsetStore(tempDir.resolve("offsets.json"))).stopTimeout(Duration.ofSeconds(30)).build();
        p.start();
        return p;
    }

    private List<ChangeEvent> rows(MemorySink sink) {
        return sink.events().stream().filter(e -> e.collection().equals(collection())).toList();
    }

    private void awaitRows(MemorySink sink, Predicate<List<ChangeEvent>> done) {
        try {
            await().atMost(timeout().toMillis(), TimeUnit.MILLISECONDS).pollInterval(50, TimeUnit.MILLISECONDS)
                    .until(() -> done.test(rows(sink)));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("changes did not arrive in time; received " + summary(rows(sink)), e);
        }
    }

    private static String summary(List<ChangeEvent> events) {
        StringBuilder sb = new StringBuilder().append(events.size()).append(" events: ");
        for (ChangeEvent e : events) {
            sb.append(e.operation().name().charAt(0)).append(e.key() == null ? "" : e.key().values()).append('@')
                    .append(e.position()).append(' ');
            if (sb.length() > 20_000) {
                sb.append("...");
                break;
            }
        }
        return sb.toString();
    }

    private static Object field(Map<String, Object> row, String name) {
        return row == null ? null : row.get(name);
    }

    private static long asLong(Object v) {
        return ((Number) v).longValue();
    }

    @Test
    void insertUpdateDeleteArriveWithOperationKeyAndRows() throws Exception {
        recreateTable();
        insertRow(1, "one");
        MemorySink sink = new MemorySink();
        try (Pipeline p = start("contract_crud", sink, newSource("contract_crud"))) {
            awaitRows(sink, r -> r.size() >= 1);
            insertRow(2, "two");
            updateRow(2, "TWO");
            deleteRow(1);
            awaitRows(sink, r -> r.size() >= 4);
        }
        List<ChangeEvent> events = rows(sink);
        assertThat(events).hasSize(4);
        ChangeEventAssert.assertThat(events.get(0)).hasOperation(Operation.INSERT).isSnapshot(true).hasKey(key(1))
                .hasAfterField("name", "one");
        ChangeEventAssert.assertThat(events.get(1)).hasOperation(Operation.INSERT).isSnapshot(false).hasKey(key(2))
                .hasAfterField("name", "two");
        ChangeEventAssert.assertThat(events.get(2)).hasOperation(Operation.UPDATE).hasKey(key(2)).hasAfterField("name", "TWO");
        ChangeEventAssert.assertThat(events.get(3)).hasOperation(Operation.DELETE).hasKey(key(1));
        assertThat(asLong(field(events.get(1).after(), "id"))).isEqualTo(2L);
        for (int i = 1; i < events.size(); i++) {
            ChangeEventAssert.assertThat(events.get(i)).hasPositionAfter(events.get(i - 1).position());
        }
    }

    @Test
    void rowsWrittenInOneTransactionGetDistinctIncreasingPositions() throws Exception {
        recreateTable();
        MemorySink sink = new MemorySink();
        try (Pipeline p = start("contract_txn", sink, newSource("contract_txn"))) {
            insertRow(1, "warm-up");
            awaitRows(sink, r -> r.size() >= 1);
            insertRowsInOneTransaction(10, 59);
            awaitRows(sink, r -> r.size() >= 51);
        }
        List<ChangeEvent> events = rows(sink);
        assertThat(events).hasSize(51);
        assertThat(events.stream().map(e -> asLong(e.key().get("id"))).toList().subList(1, 51))
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(10, 59).boxed().toList());
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).position()).isGreaterThan(events.get(i - 1).position());
        }
    }

    @Test
    void truncateArrives() throws Exception {
        Assumptions.assumeTrue(supportsTruncate(), "this source's database has no TRUNCATE events");
        recreateTable();
        MemorySink sink = new MemorySink();
        try (Pipeline p = start("contract_truncate", sink, newSource("contract_truncate"))) {
            insertRow(1, "one");
            awaitRows(sink, r -> r.size() >= 1);
            truncate();
            insertRow(2, "after");
            awaitRows(sink, r -> r.size() >= 3);
        }
        List<ChangeEvent> events = rows(sink);
        assertThat(events).extracting(ChangeEvent::operation).containsExactly(Operation.INSERT, Operation.TRUNCATE, Operation.INSERT);
        assertThat(events.get(1).key()).isNull();
    }

    @Test
    void ddlArrivesInOrderWithTheStatement() throws Exception {
        Assumptions.assumeTrue(supportsDdl(), "this source does not emit DDL events");
        recreateTable();
        MemorySink sink = new MemorySink();
        try (Pipeline p = start("contract_ddl", sink, newSource("contract_ddl"))) {
            insertRow(1, "one");
            awaitRows(sink, r -> r.size() >= 1);
            addColumn("note");
            insertRow(2, "two");
            awaitRows(sink, r -> r.size() >= 3);
        }
        List<ChangeEvent> events = rows(sink);
        assertThat(events).extracting(ChangeEvent::operation).containsExactly(Operation.INSERT, Operation.DDL, Operation.INSERT);
        assertThat(events.get(1).ddl()).containsIgnoringCase("note");
        assertThat(events.get(2).after()).containsKey("note");
    }

    @Test
    void stopInTheMiddleOfAStreamAndRestartDeliversEveryChangeExactlyOnce() throws Exception {
        recreateTable();
        MemorySink sink = new MemorySink();
        int total = 400;
        AtomicLong written = new AtomicLong();
        Thread writer = new Thread(() -> {
            try {
                for (long id = 1; id <= total; id++) {
                    insertRow(id, "row" + id);
                    if (id % 3 == 0) {
                        updateRow(id, "row" + id + "-u");
                    }
                    written.set(id);
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, "contract-writer");
        Pipeline first = start("contract_restart", sink, newSource("contract_restart"));
        try {
            // a streamed change proves the snapshot is over, so every later change arrives as its own event
            insertRow(0, "warm-up");
            awaitRows(sink, r -> r.size() >= 1);
            writer.start();
            awaitRows(sink, r -> r.size() >= 60);
        } finally {
            first.stop();
        }
        int deliveredBeforeRestart = rows(sink).size();
        writer.join(TimeUnit.SECONDS.toMillis(120));
        assertThat(written.get()).isEqualTo(total);
        int expected = 1 + total + total / 3;
        try (Pipeline second = start("contract_restart", sink, newSource("contract_restart"))) {
            awaitRows(sink, r -> r.size() >= expected);
            Thread.sleep(500);
        }
        List<ChangeEvent> events = rows(sink);
        assertThat(deliveredBeforeRestart).isLessThan(expected);
        Map<Long, List<Operation>> byId = new TreeMap<>();
        for (ChangeEvent e : events) {
            byId.computeIfAbsent(asLong(e.key().get("id")), k -> new ArrayList<>()).add(e.operation());
        }
        assertThat(byId).hasSize(total + 1);
        byId.forEach((id, ops) -> assertThat(ops).as("changes of id %s", id)
                .containsExactlyElementsOf(id != 0 && id % 3 == 0 ? List.of(Operation.INSERT, Operation.UPDATE) : List.of(Operation.INSERT)));
        assertThat(events).hasSize(expected);
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).position()).isGreaterThan(events.get(i - 1).position());
        }
    }
}
