package io.etlcdc.lineage.store;

import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.lineage.ColumnMapping;
import io.etlcdc.core.lineage.FlowObservation;
import io.etlcdc.core.lineage.LineageAsset;
import io.etlcdc.core.lineage.LineageEdge;
import io.etlcdc.core.spi.LineageStore;
import io.etlcdc.core.testing.LineageStoreContractTest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The core contract plus what this module's stores add: edges keyed with their origin, batches folded per hop. */
abstract class LineageStoreWithOriginsContract extends LineageStoreContractTest {

    @Test
    void edgesOfTwoOriginsBetweenTheSameAssetsAreKeptApart() throws Exception {
        try (LineageStore s = newStore()) {
            s.upsertEdges(List.of(
                    new LineageEdge("rule:a", "rule:b", "b", List.of(), "pg_users"),
                    new LineageEdge("rule:a", "rule:b", "b", List.of(), "pg_orders"),
                    new LineageEdge("rule:a", "rule:b", "b", List.of(new ColumnMapping(List.of("x"), "y", "b")), "pg_users")));
            assertThat(s.edges()).hasSize(2);
            assertThat(s.edges()).filteredOn(e -> "pg_users".equals(e.origin())).singleElement()
                    .satisfies(e -> assertThat(e.columns()).containsExactly(new ColumnMapping(List.of("x"), "y", "b")));
            assertThat(s.edges()).extracting(LineageEdge::origin).containsExactlyInAnyOrder("pg_users", "pg_orders");
        }
    }

    @Test
    void anEdgeWithoutOriginReadsBackWithoutOne() throws Exception {
        try (LineageStore s = newStore()) {
            s.upsertAssets(List.of(new LineageAsset("t", AssetKind.SINK_TABLE, "t", List.of("a"), Map.of("sink_id", "wh"))));
            s.upsertEdges(List.of(new LineageEdge("s", "t", "sink:wh", List.of())));
            assertThat(s.edges()).singleElement().satisfies(e -> assertThat(e.origin()).isNull());
            assertThat(s.assets()).singleElement().satisfies(a -> assertThat(a.attributes()).containsEntry("sink_id", "wh"));
        }
    }

    @Test
    void observationsOfOneHopInOneBatchAddUp() throws Exception {
        Instant t1 = Instant.parse("2026-01-01T00:00:00Z");
        Instant t2 = Instant.parse("2026-01-01T00:00:05Z");
        try (LineageStore s = newStore()) {
            s.recordFlows(List.of(new FlowObservation("a", "b", 3, 0, t2), new FlowObservation("a", "b", 4, 2, t1)));
            assertThat(s.flows()).singleElement().satisfies(f -> {
                assertThat(f.events()).isEqualTo(7);
                assertThat(f.failures()).isEqualTo(2);
                assertThat(f.firstSeen()).isEqualTo(t1);
                assertThat(f.lastSeen()).isEqualTo(t2);
            });
        }
    }
}
