package io.etlcdc.core.testing;

import io.etlcdc.core.event.Position;
import io.etlcdc.core.spi.OffsetStore;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link OffsetStore} must do. Extend it and provide fresh stores. */
public abstract class OffsetStoreContractTest {

    /** A new, empty store. */
    protected abstract OffsetStore newStore() throws Exception;

    /** The same store opened again (as after a restart); return null when the store is not persistent. */
    protected abstract OffsetStore reopen(OffsetStore store) throws Exception;

    @Test
    void emptyStoreHasNoPosition() throws Exception {
        try (OffsetStore store = newStore()) {
            assertThat(store.load("pg")).isEmpty();
            assertThat(store.loadAll()).isEmpty();
        }
    }

    @Test
    void commitReplacesThePositionOfThatSourceOnly() throws Exception {
        try (OffsetStore store = newStore()) {
            store.commit("pg", Position.of(10L, 1L, 0L));
            store.commit("my", Position.of("mysql-bin.000001", 5L));
            store.commit("pg", Position.of(10L, 1L, 7L).withOffset(Map.of("lsn", 10L, "txId", 1L)));
            assertThat(store.load("pg")).contains(Position.of(10L, 1L, 7L).withOffset(Map.of("lsn", 10L, "txId", 1L)));
            assertThat(store.load("my")).contains(Position.of("mysql-bin.000001", 5L));
            assertThat(store.loadAll()).containsOnlyKeys("pg", "my");
        }
    }

    @Test
    void resetForgetsASource() throws Exception {
        try (OffsetStore store = newStore()) {
            store.commit("pg", Position.of(1L));
            store.commit("my", Position.of(2L));
            store.reset("pg");
            store.reset("unknown");
            assertThat(store.load("pg")).isEmpty();
            assertThat(store.load("my")).contains(Position.of(2L));
        }
    }

    @Test
    void positionsSurviveAReopen() throws Exception {
        OffsetStore store = newStore();
        Position p = Position.of(42L, 7L, 3L).withOffset(Map.of("lsn", 42L, "snapshot", false, "name", "slot"));
        store.commit("pg", p);
        OffsetStore again = reopen(store);
        if (again == null) {
            store.close();
            return;
        }
        try (again) {
            assertThat(again.load("pg")).contains(p);
            assertThat(again.load("pg").orElseThrow().offset()).containsEntry("lsn", 42L).containsEntry("snapshot", false);
        }
    }
}
