package io.etlcdc.core.testing;

import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.lineage.ColumnMapping;
import io.etlcdc.core.lineage.FlowObservation;
import io.etlcdc.core.lineage.FlowStats;
import io.etlcdc.core.lineage.LineageAsset;
import io.etlcdc.core.lineage.LineageEdge;
import io.etlcdc.core.spi.LineageStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link LineageStore} must do. */
public abstract class LineageStoreContractTest {

    protected abstract LineageStore newStore() throws Exception;

    /** The same store opened again; null when not persistent. */
    protected abstract LineageStore reopen(LineageStore store) throws Exception;

    private static final LineageAsset USERS = new LineageAsset("pg_users", AssetKind.SOURCE_TABLE, "public.users",
            List.of("id", "email"), Map.of("source_id", "pg"));
    private static final LineageAsset RULE = new LineageAsset("rule:mask_email", AssetKind.RULE, "mask_email", List.of(), Map.of());
    private static final LineageAsset SINK = new LineageAsset("wh_users", AssetKind.SINK_TABLE, "wh_users", List.of("id", "masked_email"), Map.of());

    @Test
    void assetsAndEdgesAreUpsertedById() throws Exception {
        try (LineageStore s = newStore()) {
            s.upsertAssets(List.of(USERS, RULE, SINK));
            s.upsertAssets(List.of(new LineageAsset("pg_users", AssetKind.SOURCE_TABLE, "public.users", List.of("id", "email", "phone"), Map.of())));
            s.upsertEdges(List.of(new LineageEdge("pg_users", "rule:mask_email", "mask_email",
                    List.of(new ColumnMapping(List.of("email"), "masked_email", "mask_email")))));
            s.upsertEdges(List.of(new LineageEdge("pg_users", "rule:mask_email", "mask_email", List.of()),
                    new LineageEdge("rule:mask_email", "wh_users", "sink:wh", List.of())));
            assertThat(s.assets()).extracting(LineageAsset::id).containsExactlyInAnyOrder("pg_users", "rule:mask_email", "wh_users");
            assertThat(s.assets()).filteredOn(a -> a.id().equals("pg_users")).singleElement()
                    .extracting(LineageAsset::columns).asList().containsExactly("id", "email", "phone");
            assertThat(s.edges()).hasSize(2);
            assertThat(s.edges()).filteredOn(e -> e.from().equals("pg_users")).singleElement()
                    .extracting(LineageEdge::columns).asList().isEmpty();
        }
    }

    @Test
    void flowsAccumulatePerEdge() throws Exception {
        Instant t1 = Instant.parse("2026-01-01T00:00:00Z");
        Instant t2 = Instant.parse("2026-01-01T00:01:00Z");
        try (LineageStore s = newStore()) {
            s.recordFlows(List.of(new FlowObservation("pg_users", "rule:mask_email", 10, 1, t1)));
            s.recordFlows(List.of(new FlowObservation("pg_users", "rule:mask_email", 5, 0, t2),
                    new FlowObservation("rule:mask_email", "wh_users", 14, 0, t2)));
            FlowStats f = s.flows().stream().filter(x -> x.from().equals("pg_users")).findFirst().orElseThrow();
            assertThat(f.events()).isEqualTo(15);
            assertThat(f.failures()).isEqualTo(1);
            assertThat(f.firstSeen()).isEqualTo(t1);
            assertThat(f.lastSeen()).isEqualTo(t2);
        }
    }

    @Test
    void removingAnAssetRemovesItsEdges() throws Exception {
        try (LineageStore s = newStore()) {
            s.upsertAssets(List.of(USERS, RULE, SINK));
            s.upsertEdges(List.of(new LineageEdge("pg_users", "rule:mask_email", "mask_email", List.of()),
                    new LineageEdge("rule:mask_email", "wh_users", "sink:wh", List.of())));
            s.removeAsset("rule:mask_email");
            s.removeAsset("no-such-asset");
            assertThat(s.assets()).extracting(LineageAsset::id).containsExactlyInAnyOrder("pg_users", "wh_users");
            assertThat(s.edges()).isEmpty();
        }
    }

    @Test
    void lineageSurvivesAReopen() throws Exception {
        LineageStore s = newStore();
        s.upsertAssets(List.of(USERS, SINK));
        s.upsertEdges(List.of(new LineageEdge("pg_users", "wh_users", "sink:wh",
                List.of(new ColumnMapping(List.of("email"), "masked_email", "mask_email")))));
        s.recordFlows(List.of(new FlowObservation("pg_users", "wh_users", 3, 0, Instant.parse("2026-01-01T00:00:00Z"))));
        LineageStore again = reopen(s);
        if (again == null) {
            s.close();
            return;
        }
        try (again) {
            assertThat(again.assets()).extracting(LineageAsset::id).containsExactlyInAnyOrder("pg_users", "wh_users");
            assertThat(again.edges()).singleElement().satisfies(e ->
                    assertThat(e.columns()).containsExactly(new ColumnMapping(List.of("email"), "masked_email", "mask_email")));
            assertThat(again.flows()).singleElement().extracting(FlowStats::events).isEqualTo(3L);
        }
    }
}
