package io.etlcdc.cdc.postgres;

import io.etlcdc.core.connectors.MemoryOffsetStore;
import io.etlcdc.core.connectors.MemorySink;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.pipeline.Pipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The native engine's initial snapshot: consistent with the stream under racing writes, and resumable by key chunks. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NativeSnapshotIT {
    private static final int ROWS = 20_000;
    private PgTestDatabase db;

    @BeforeAll
    void startDatabase() throws Exception {
        db = new PgTestDatabase();
    }

    @AfterAll
    void stopDatabase() throws Exception {
        db.close();
    }

    private Pipeline pipeline(String id, String table, MemorySink sink, MemoryOffsetStore offsets) {
        return Pipeline.builder().name(id)
                .source(id, db.source(id, List.of(table), Map.of("engine", "native", "snapshot_chunk_size", 500)))
                .sink("mem", sink).offsetStore(offsets).stopTimeout(Duration.ofSeconds(30)).build();
    }

    private Map<Long, String> table(String table) throws Exception {
        Map<Long, String> out = new HashMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, v FROM " + table)) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getString(2));
            }
        }
        return out;
    }

    /** Applies the events as a sink would (upsert / delete by key). */
    private static Map<Long, String> apply(List<ChangeEvent> events) {
        Map<Long, String> state = new HashMap<>();
        for (ChangeEvent e : events) {
            long id = ((Number) e.key().get("id")).longValue();
            if (e.operation() == Operation.DELETE) {
                state.remove(id);
            } else {
                state.put(id, (String) e.after().get("v"));
            }
        }
        return state;
    }

    @Test
    void writesRacingTheSnapshotAreNeitherMissedNorDoubled() throws Exception {
        db.sql("CREATE TABLE snap_race (id bigint PRIMARY KEY, v text)",
                "INSERT INTO snap_race SELECT g, 'v' || g FROM generate_series(1, " + ROWS + ") g");
        MemorySink sink = new MemorySink();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong nextId = new AtomicLong(ROWS + 1);
        Thread writer = new Thread(() -> {
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                while (writing.get()) {
                    long id = ThreadLocalRandom.current().nextLong(1, ROWS + 1);
                    s.execute("UPDATE snap_race SET v = v || '+' WHERE id = " + id);
                    s.execute("INSERT INTO snap_race VALUES (" + nextId.getAndIncrement() + ", 'new')");
                    if (id % 7 == 0) {
                        s.execute("DELETE FROM snap_race WHERE id = " + (id + 1));
                    }
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, "snapshot-racer");
        try (Pipeline p = pipeline("snap_race", "snap_race", sink, new MemoryOffsetStore())) {
            writer.start();
            p.start();
            // the writer keeps going until the stream (after the snapshot) has delivered some of its changes
            await().atMost(180, TimeUnit.SECONDS).until(() -> sink.events().stream().filter(e -> !e.snapshot()).count() > 200);
            writing.set(false);
            writer.join();
            db.sql("INSERT INTO snap_race VALUES (-1, 'end')");
            await().atMost(180, TimeUnit.SECONDS).until(() -> sink.events().stream().anyMatch(e -> Long.valueOf(-1).equals(e.key().get("id"))));
        }
        List<ChangeEvent> events = sink.events().stream().filter(e -> e.collection().equals("public.snap_race")).toList();
        List<ChangeEvent> snapshot = events.stream().filter(ChangeEvent::snapshot).toList();
        Set<Long> snapshotIds = new HashSet<>();
        for (ChangeEvent e : snapshot) {
            assertThat(snapshotIds.add(((Number) e.key().get("id")).longValue())).as("row %s read twice by the snapshot", e.key()).isTrue();
        }
        // a row the snapshot saw was never inserted again by the stream (nothing doubled)
        assertThat(events.stream().filter(e -> !e.snapshot() && e.operation() == Operation.INSERT)
                .map(e -> ((Number) e.key().get("id")).longValue())).noneMatch(snapshotIds::contains);
        // the stream follows the snapshot
        int firstStreamed = events.indexOf(events.stream().filter(e -> !e.snapshot()).findFirst().orElseThrow());
        assertThat(events.subList(firstStreamed, events.size())).noneMatch(ChangeEvent::snapshot);
        assertThat(snapshot.size()).isGreaterThanOrEqualTo(ROWS - ROWS / 7 - 10);
        // nothing missed: applying the events gives the table
        assertThat(apply(events)).isEqualTo(table("snap_race"));
    }

    @Test
    void aStoppedSnapshotResumesAfterTheLastDeliveredChunkRow() throws Exception {
        db.sql("CREATE TABLE snap_resume (id bigint PRIMARY KEY, v text)",
                "INSERT INTO snap_resume SELECT g, 'v' || g FROM generate_series(1, " + ROWS + ") g");
        MemorySink sink = new MemorySink();
        MemoryOffsetStore offsets = new MemoryOffsetStore();
        int firstRun;
        try (Pipeline p = pipeline("snap_resume", "snap_resume", sink, offsets)) {
            p.start();
            await().atMost(120, TimeUnit.SECONDS).until(() -> sink.events().size() >= 2_000);
            p.stop();
            firstRun = sink.events().size();
        }
        db.sql("UPDATE snap_resume SET v = 'changed' WHERE id = 1", "INSERT INTO snap_resume VALUES (" + (ROWS + 1) + ", 'late')");
        MemorySink second = new MemorySink();
        try (Pipeline p = pipeline("snap_resume", "snap_resume", second, offsets)) {
            p.start();
            await().atMost(180, TimeUnit.SECONDS).until(() -> second.events().stream().anyMatch(e -> !e.snapshot()
                    && Long.valueOf(ROWS + 1).equals(e.key().get("id"))));
        }
        System.out.println("first run delivered " + firstRun + " of " + ROWS + " snapshot rows; second run started at "
                + second.events().get(0).key());
        if (firstRun < ROWS) {
            ChangeEvent first = second.events().get(0);
            assertThat(first.snapshot()).isTrue();
            assertThat(((Number) first.key().get("id")).longValue()).as("resumed after the delivered rows, not from the start")
                    .isGreaterThan(1000L);
            assertThat(first.position()).isGreaterThan(sink.events().get(sink.events().size() - 1).position());
        }
        List<ChangeEvent> all = new java.util.ArrayList<>(sink.events());
        all.addAll(second.events());
        assertThat(apply(all)).isEqualTo(table("snap_resume"));
    }
}
