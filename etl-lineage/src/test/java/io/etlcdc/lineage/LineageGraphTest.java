package io.etlcdc.lineage;

import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.lineage.ColumnMapping;
import io.etlcdc.core.lineage.FlowObservation;
import io.etlcdc.core.lineage.LineageAsset;
import io.etlcdc.core.lineage.LineageEdge;
import io.etlcdc.lineage.query.AffectedAsset;
import io.etlcdc.lineage.query.AssetView;
import io.etlcdc.lineage.query.ColumnRef;
import io.etlcdc.lineage.query.DerivedColumn;
import io.etlcdc.lineage.query.Direction;
import io.etlcdc.lineage.query.FlowEdge;
import io.etlcdc.lineage.query.ImpactAnalysis;
import io.etlcdc.lineage.query.LineageTraversal;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/** Queries on hand-built graphs whose answers are worked out by hand (see {@link SampleGraphs}). */
class LineageGraphTest {

    private static Map<String, Integer> distances(LineageTraversal t) {
        return t.assets().stream().collect(Collectors.toMap(AssetView::id, AssetView::distance));
    }

    private static List<String> hops(LineageTraversal t) {
        return t.edges().stream().map(e -> e.from() + "->" + e.to()).toList();
    }

    @Test
    void downstreamStopsAtMaxDepthAndSaysSo() {
        LineageTraversal t = SampleGraphs.specGraph().downstream("pg_users", 2);
        assertThat(distances(t)).containsOnly(entry("rule:mask_email", 1), entry("wh_users", 1),
                entry("rule:active_only", 2), entry("rule:daily_counts", 2));
        assertThat(t.assets()).extracting(AssetView::id)
                .as("nearest first, then by id").containsExactly("rule:mask_email", "wh_users", "rule:active_only", "rule:daily_counts");
        assertThat(t.truncated()).isTrue();
        assertThat(t.asset().id()).isEqualTo("pg_users");
        assertThat(t.asset().distance()).isZero();
        assertThat(hops(t)).containsExactlyInAnyOrder("pg_users->rule:mask_email", "pg_users->wh_users",
                "rule:mask_email->rule:active_only", "wh_users->rule:daily_counts");
        assertThat(t.edges()).filteredOn(e -> e.from().equals("rule:mask_email")).singleElement()
                .extracting(FlowEdge::origin).as("only the hop of pg_users' path").isEqualTo("pg_users");
    }

    @Test
    void downstreamOfATableDoesNotLeakIntoAnotherTablesPathThroughSharedRules() {
        LineageTraversal t = SampleGraphs.specGraph().downstream("pg_users", 10);
        assertThat(distances(t)).containsOnly(entry("rule:mask_email", 1), entry("wh_users", 1), entry("rule:active_only", 2),
                entry("rule:daily_counts", 2), entry("archive_users", 3), entry("report_daily", 3));
        assertThat(distances(t)).doesNotContainKey("wh_orders");
        assertThat(t.truncated()).isFalse();

        LineageTraversal orders = SampleGraphs.specGraph().downstream("pg_orders", 10);
        assertThat(distances(orders)).containsOnly(entry("rule:mask_email", 1), entry("rule:active_only", 2), entry("wh_orders", 3));
    }

    @Test
    void downstreamOfASharedRuleFollowsEveryPath() {
        LineageTraversal t = SampleGraphs.specGraph().downstream("rule:mask_email", 5);
        assertThat(distances(t)).containsOnly(entry("rule:active_only", 1), entry("wh_users", 2), entry("archive_users", 2),
                entry("wh_orders", 2), entry("rule:daily_counts", 3), entry("report_daily", 4));
    }

    @Test
    void upstreamFollowsOnlyThePathThatLeadsToTheAsset() {
        LineageTraversal users = SampleGraphs.specGraph().upstream("wh_users", 10);
        assertThat(users.direction()).isEqualTo(Direction.UPSTREAM);
        assertThat(distances(users)).containsOnly(entry("pg_users", 1), entry("rule:active_only", 1), entry("rule:mask_email", 2));
        LineageTraversal orders = SampleGraphs.specGraph().upstream("wh_orders", 10);
        assertThat(distances(orders)).containsOnly(entry("rule:active_only", 1), entry("rule:mask_email", 2), entry("pg_orders", 3));
        assertThat(SampleGraphs.specGraph().upstream("report_daily", 1).truncated()).isTrue();
        assertThat(distances(SampleGraphs.specGraph().upstream("report_daily", 2))).containsOnly(entry("rule:daily_counts", 1), entry("wh_users", 2));
    }

    @Test
    void impactListsEveryAffectedAssetWithDistancePathCountsAndTheCriticalPath() {
        ImpactAnalysis impact = SampleGraphs.specGraph().impact("pg_users", null);
        assertThat(impact.totalAffected()).isEqualTo(6);
        assertThat(impact.affected()).extracting(AffectedAsset::id, AffectedAsset::distance).containsExactly(
                tuple("rule:mask_email", 1), tuple("wh_users", 1), tuple("rule:active_only", 2), tuple("rule:daily_counts", 2),
                tuple("archive_users", 3), tuple("report_daily", 3));
        assertThat(impact.affected()).filteredOn(a -> a.id().equals("report_daily")).singleElement()
                .extracting(AffectedAsset::path).isEqualTo(List.of("pg_users", "wh_users", "rule:daily_counts", "report_daily"));
        assertThat(impact.countsByKind()).containsOnly(entry(AssetKind.RULE, 3), entry(AssetKind.SINK_TABLE, 1),
                entry(AssetKind.FILE, 1), entry(AssetKind.TOPIC, 1));
        assertThat(impact.maxDistance()).isEqualTo(3);
        assertThat(impact.criticalPath().assets()).as("the longest chain, not the shortest path")
                .containsExactly("pg_users", "rule:mask_email", "rule:active_only", "wh_users", "rule:daily_counts", "report_daily");
        assertThat(impact.criticalPath().length()).isEqualTo(5);
        assertThat(impact.column()).isNull();
        assertThat(impact.columns()).isNull();
    }

    @Test
    void impactOfALeafAffectsNothing() {
        ImpactAnalysis impact = SampleGraphs.specGraph().impact("report_daily", null);
        assertThat(impact.totalAffected()).isZero();
        assertThat(impact.affected()).isEmpty();
        assertThat(impact.criticalPath().length()).isZero();
        assertThat(impact.criticalPath().assets()).containsExactly("report_daily");
    }

    @Test
    void columnImpactFollowsMappingsThroughRules() {
        ImpactAnalysis impact = SampleGraphs.specGraph().impact("pg_users", "email");
        assertThat(impact.column()).isEqualTo("email");
        assertThat(impact.columns()).extracting(DerivedColumn::assetId, DerivedColumn::column, DerivedColumn::distance).containsExactly(
                tuple("wh_users", "email", 1),
                tuple("archive_users", "email", 3), tuple("archive_users", "masked_email", 3),
                tuple("wh_users", "masked_email", 3));
        DerivedColumn masked = impact.columns().stream().filter(c -> c.assetId().equals("wh_users") && c.column().equals("masked_email"))
                .findFirst().orElseThrow();
        assertThat(masked.transformations()).containsExactly("mask_email");
        assertThat(masked.path()).containsExactly(new ColumnRef("pg_users", "email"), new ColumnRef("rule:mask_email", "email"),
                new ColumnRef("rule:active_only", "email"), new ColumnRef("wh_users", "masked_email"));
        assertThat(impact.columns()).filteredOn(c -> c.column().equals("email") && c.assetId().equals("wh_users")).singleElement()
                .extracting(DerivedColumn::transformations).asList().isEmpty();
    }

    @Test
    void columnLineageReachesAComputedColumnSeveralRulesAway() {
        List<DerivedColumn> fromId = SampleGraphs.specGraph().columnLineage("pg_users", "id", Direction.DOWNSTREAM).columns();
        assertThat(fromId).extracting(DerivedColumn::assetId, DerivedColumn::column).containsExactlyInAnyOrder(
                tuple("wh_users", "id"), tuple("archive_users", "id"), tuple("report_daily", "user_count"));
        assertThat(fromId).filteredOn(c -> c.assetId().equals("report_daily")).singleElement().satisfies(c -> {
            assertThat(c.distance()).isEqualTo(3);
            assertThat(c.transformations()).containsExactly("daily_counts");
            assertThat(c.kind()).isEqualTo(AssetKind.TOPIC);
        });
        assertThat(SampleGraphs.specGraph().columnLineage("pg_users", "name", Direction.DOWNSTREAM).columns())
                .extracting(DerivedColumn::assetId).containsExactlyInAnyOrder("wh_users", "archive_users");
    }

    @Test
    void upstreamColumnLineageFindsTheSourceColumns() {
        List<DerivedColumn> sources = SampleGraphs.specGraph().columnLineage("archive_users", "masked_email", Direction.UPSTREAM).columns();
        assertThat(sources).extracting(DerivedColumn::assetId, DerivedColumn::column).containsExactly(tuple("pg_users", "email"));
        assertThat(sources.get(0).transformations()).containsExactly("mask_email");
        assertThat(sources.get(0).distance()).isEqualTo(3);

        List<DerivedColumn> count = SampleGraphs.specGraph().columnLineage("report_daily", "user_count", Direction.UPSTREAM).columns();
        assertThat(count).extracting(DerivedColumn::assetId, DerivedColumn::column)
                .containsExactlyInAnyOrder(tuple("wh_users", "id"), tuple("pg_users", "id"));
    }

    @Test
    void unknownAssetsAndColumnsAreNotFound() {
        LineageGraph g = SampleGraphs.specGraph();
        assertThatThrownBy(() -> g.downstream("postgres_main_nothing", 3)).isInstanceOf(EtlException.class)
                .hasMessageContaining("'postgres_main_nothing'")
                .satisfies(e -> assertThat(((EtlException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> g.upstream("nope", 3)).satisfies(e -> assertThat(((EtlException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> g.impact("nope", null)).satisfies(e -> assertThat(((EtlException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> g.impact("pg_users", "phone")).isInstanceOf(EtlException.class)
                .hasMessageContaining("no column 'phone'").hasMessageContaining("id, email, name")
                .satisfies(e -> assertThat(((EtlException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void maxDepthOutsideItsRangeIsAConfigErrorNamingTheKey() {
        assertThatThrownBy(() -> SampleGraphs.specGraph().downstream("pg_users", 0)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'0'").hasMessageContaining("'max_depth'");
        assertThatThrownBy(() -> SampleGraphs.specGraph().downstream("pg_users", LineageGraph.MAX_DEPTH_LIMIT + 1)).isInstanceOf(ConfigException.class);
    }

    @Test
    void cyclesAreWalkedOnce() {
        LineageGraph g = SampleGraphs.cycle();
        LineageTraversal down = g.downstream("a", LineageGraph.MAX_DEPTH_LIMIT);
        assertThat(distances(down)).containsOnly(entry("rule:r", 1), entry("b", 2), entry("rule:s", 3));
        assertThat(down.truncated()).isFalse();
        assertThat(hops(down)).containsExactlyInAnyOrder("a->rule:r", "rule:r->b", "b->rule:s", "rule:s->a");
        assertThat(distances(g.upstream("a", 10))).containsOnly(entry("rule:s", 1), entry("b", 2), entry("rule:r", 3));

        ImpactAnalysis impact = g.impact("a", "x");
        assertThat(impact.totalAffected()).isEqualTo(3);
        assertThat(impact.criticalPath().assets()).containsExactly("a", "rule:r", "b", "rule:s");
        assertThat(impact.columns()).extracting(DerivedColumn::assetId).containsExactly("b");
    }

    @Test
    void aSelfLoopIsAnEdgeButNotAnAffectedAsset() {
        LineageGraph g = new LineageGraph();
        g.addAssets(List.of(SampleGraphs.asset("t", AssetKind.SINK_TABLE)));
        g.addEdges(List.of(new LineageEdge("t", "t", "dedupe", List.of())));
        LineageTraversal t = g.downstream("t", 3);
        assertThat(t.assets()).isEmpty();
        assertThat(hops(t)).containsExactly("t->t");
        assertThat(g.impact("t", null).totalAffected()).isZero();
    }

    @Test
    void updatesShowInTheNextQuery() {
        LineageGraph g = SampleGraphs.specGraph();
        Instant t1 = Instant.parse("2026-01-01T00:00:00Z");
        Instant t2 = Instant.parse("2026-01-01T00:00:09Z");
        g.addFlows(List.of(new FlowObservation("pg_users", "wh_users", 10, 0, t2)));
        g.addFlows(List.of(new FlowObservation("pg_users", "wh_users", 5, 2, t1)));
        FlowEdge backfill = g.downstream("pg_users", 1).edges().stream().filter(e -> e.to().equals("wh_users")).findFirst().orElseThrow();
        assertThat(backfill.events()).isEqualTo(15);
        assertThat(backfill.failures()).isEqualTo(2);
        assertThat(backfill.firstSeen()).isEqualTo(t1);
        assertThat(backfill.lastSeen()).isEqualTo(t2);

        g.addEdges(List.of(new LineageEdge("report_daily", "dashboard", "export", List.of())));
        assertThat(g.asset("dashboard")).get().extracting(LineageAsset::kind).as("named only by an edge").isEqualTo(AssetKind.OTHER);
        assertThat(g.impact("pg_users", null).criticalPath().length()).isEqualTo(6);

        g.removeAsset("rule:daily_counts");
        assertThat(g.contains("rule:daily_counts")).isFalse();
        assertThat(distances(g.downstream("pg_users", 10))).doesNotContainKeys("rule:daily_counts", "report_daily", "dashboard");
        assertThat(g.edges()).noneMatch(e -> e.to().equals("rule:daily_counts") || e.from().equals("rule:daily_counts"));
    }

    @Test
    void replacingAnEdgeKeepsOneCopy() {
        LineageGraph g = SampleGraphs.specGraph();
        int edges = g.edgeCount();
        g.addEdges(List.of(new LineageEdge("pg_users", "wh_users", "backfill", List.of(SampleGraphs.identity("id")))));
        assertThat(g.edgeCount()).isEqualTo(edges);
        assertThat(g.edges()).filteredOn(e -> e.via().equals("backfill")).singleElement()
                .satisfies(e -> assertThat(e.columns()).containsExactly(SampleGraphs.identity("id")));
    }

    @Test
    void theFlowDiagramHasEveryNodeAndEdge() {
        LineageGraph g = SampleGraphs.specGraph();
        var flow = g.flow();
        assertThat(flow.nodes()).hasSize(9);
        assertThat(flow.nodes()).allSatisfy(n -> assertThat(n.distance()).isNull());
        assertThat(flow.edges()).hasSize(10);
        assertThat(flow.countsByKind()).containsOnly(entry(AssetKind.SOURCE_TABLE, 2), entry(AssetKind.RULE, 3),
                entry(AssetKind.SINK_TABLE, 2), entry(AssetKind.FILE, 1), entry(AssetKind.TOPIC, 1));
    }

    private static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }
}
