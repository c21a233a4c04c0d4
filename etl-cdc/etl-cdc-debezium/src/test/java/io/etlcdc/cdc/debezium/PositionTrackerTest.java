package io.etlcdc.cdc.debezium;

import io.etlcdc.core.event.Position;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PositionTrackerTest {
    private static final Map<String, Object> OFFSET = Map.of("lsn", 5L);

    @Test
    void snapshotSortsBeforeTheStreamAndRowsSharingAStreamKeyAreNumbered() {
        PositionTracker t = new PositionTracker(null);
        Position s0 = t.snapshot(OFFSET);
        Position s1 = t.snapshot(OFFSET);
        Position a = t.stream(List.of(100L, 7L), OFFSET);
        Position b = t.stream(List.of(100L, 7L), OFFSET);
        Position c = t.stream(List.of(100L, 9L), OFFSET);
        assertThat(List.of(s0, s1, a, b, c)).isSorted().doesNotHaveDuplicates();
        assertThat(s0.sortKey()).containsExactly(0L, 0L, 0L);
        assertThat(b.sortKey()).containsExactly(0L, 1L, 100L, 7L, 1L);
        assertThat(c.offset()).isEqualTo(OFFSET);
    }

    @Test
    void aRestartRenumbersARedeliveredGroupTheSameWaySoDedupDropsExactlyTheDeliveredOnes() {
        PositionTracker first = new PositionTracker(null);
        first.stream(List.of(100L, 7L), OFFSET);
        Position committed = first.stream(List.of(100L, 7L), OFFSET);
        Position undelivered = first.stream(List.of(100L, 7L), OFFSET);

        PositionTracker second = new PositionTracker(committed);
        second.engineStarting();
        Position r0 = second.stream(List.of(100L, 7L), OFFSET);
        Position r1 = second.stream(List.of(100L, 7L), OFFSET);
        Position r2 = second.stream(List.of(100L, 7L), OFFSET);
        assertThat(r0.isAfter(committed)).isFalse();
        assertThat(r1).isEqualTo(committed);
        assertThat(r2).isEqualTo(undelivered);
        assertThat(r2.isAfter(committed)).isTrue();
    }

    @Test
    void aSnapshotAfterAnythingElseStartsANewEpochThatSortsAfterIt() {
        Position committedStream = new Position(List.of(0L, 1L, 900L, 950L, 0L), OFFSET);
        PositionTracker t = new PositionTracker(committedStream);
        t.engineStarting();
        Position s = t.snapshot(OFFSET);
        Position after = t.stream(List.of(10L, 20L), OFFSET);
        assertThat(s).isGreaterThan(committedStream);
        assertThat(after).isGreaterThan(s);
        assertThat(t.epoch()).isEqualTo(1L);

        // a snapshot redone after a restart (committed inside the old one) also moves to a new epoch
        PositionTracker redo = new PositionTracker(new Position(List.of(3L, 0L, 41L), OFFSET));
        redo.engineStarting();
        assertThat(redo.snapshot(OFFSET)).isGreaterThan(new Position(List.of(3L, 0L, 41L), OFFSET));
    }
}
