package io.etlcdc.lineage;

import io.etlcdc.core.connectors.MemorySink;
import io.etlcdc.core.connectors.MemorySource;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.lineage.ColumnMapping;
import io.etlcdc.core.lineage.LineageAsset;
import io.etlcdc.core.pipeline.Pipeline;
import io.etlcdc.lineage.query.AssetView;
import io.etlcdc.lineage.query.DerivedColumn;
import io.etlcdc.lineage.query.Direction;
import io.etlcdc.lineage.query.FlowEdge;
import io.etlcdc.lineage.query.ImpactAnalysis;
import io.etlcdc.lineage.query.LineageTraversal;
import io.etlcdc.lineage.store.InMemoryLineageStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.etlcdc.core.testing.Events.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Tracking from a real pipeline run: the core {@link Pipeline} with a {@link MemorySource} of two
 * tables, two rules and two {@link MemorySink}s records into a {@link LineageService}; no lineage
 * call is made by the test.
 */
class PipelineLineageTest {

    private static List<ChangeEvent> users(int from, int to) {
        List<ChangeEvent> out = new ArrayList<>();
        for (int n = from; n <= to; n++) {
            out.add(ChangeEvent.builder("postgres_main", "public.users", Operation.INSERT).key(row("id", n))
                    .after(row("id", n, "email", "user" + n + "@example.com", "status", n % 2 == 0 ? "active" : "closed"))
                    .position(Position.of(n)).sourceTimestamp(Instant.ofEpochMilli(1_700_000_000_000L + n)).build());
        }
        return out;
    }

    private static List<ChangeEvent> orders(int from, int to) {
        List<ChangeEvent> out = new ArrayList<>();
        for (int n = from; n <= to; n++) {
            out.add(ChangeEvent.builder("postgres_main", "public.orders", Operation.INSERT).key(row("id", n))
                    .after(row("id", n, "user_id", n % 7, "email", "o" + n + "@example.com", "status", "active"))
                    .position(Position.of(1000 + n)).sourceTimestamp(Instant.ofEpochMilli(1_700_000_000_000L + n)).build());
        }
        return out;
    }

    @Test
    void aPipelineRunRecordsTheGraphAndColumnLineage() {
        LineageService lineage = LineageService.over(new InMemoryLineageStore());
        MemorySource source = new MemorySource();
        MemorySink warehouse = new MemorySink();
        MemorySink archive = new MemorySink();
        Pipeline pipeline = Pipeline.builder().name("main").source("postgres_main", source)
                .transform(TestRules.map("mask_email", List.of("email"), "masked_email",
                        row -> "***@" + String.valueOf(row.get("email")).split("@")[1]))
                .transform(TestRules.filter("active_only", List.of("status"), row -> "active".equals(row.get("status"))))
                .sink("warehouse", warehouse)
                .sink("archive", archive, AssetKind.FILE)
                .lineageStore(lineage)
                .stopTimeout(Duration.ofSeconds(30))
                .build();
        pipeline.start();
        try {
            source.push(users(1, 100));
            source.push(orders(1, 20));
            await().atMost(60, TimeUnit.SECONDS).until(() -> warehouse.size() == 70 && archive.size() == 70);
            await().atMost(60, TimeUnit.SECONDS).until(() -> lineage.graph().contains("warehouse_orders")
                    && events(lineage, "postgres_main_orders", "rule:mask_email") == 20);
        } finally {
            pipeline.stop();
        }

        assertThat(lineage.assets()).extracting(LineageAsset::id, LineageAsset::kind).containsExactlyInAnyOrder(
                tuple("postgres_main_users", AssetKind.SOURCE_TABLE), tuple("postgres_main_orders", AssetKind.SOURCE_TABLE),
                tuple("rule:mask_email", AssetKind.RULE), tuple("rule:active_only", AssetKind.RULE),
                tuple("warehouse_users", AssetKind.SINK_TABLE), tuple("warehouse_orders", AssetKind.SINK_TABLE),
                tuple("archive_users", AssetKind.FILE), tuple("archive_orders", AssetKind.FILE));

        LineageTraversal down = lineage.downstream("postgres_main_users", 3);
        assertThat(down.assets()).extracting(AssetView::id, AssetView::distance).containsExactly(
                tuple("rule:mask_email", 1), tuple("rule:active_only", 2), tuple("archive_users", 3), tuple("warehouse_users", 3));
        assertThat(down.truncated()).isFalse();
        Map<String, FlowEdge> hops = down.edges().stream().collect(Collectors.toMap(e -> e.from() + "->" + e.to(), e -> e));
        assertThat(hops.keySet()).containsExactlyInAnyOrder("postgres_main_users->rule:mask_email",
                "rule:mask_email->rule:active_only", "rule:active_only->warehouse_users", "rule:active_only->archive_users");
        assertThat(hops.get("postgres_main_users->rule:mask_email").events()).isEqualTo(100);
        assertThat(hops.get("rule:active_only->warehouse_users").events()).as("half the users are active").isEqualTo(50);
        assertThat(hops.get("rule:active_only->warehouse_users").columns())
                .contains(new ColumnMapping(List.of("email"), "masked_email", "mask_email"), new ColumnMapping(List.of("id"), "id", "identity"));

        assertThat(lineage.upstream("warehouse_orders", 5).assets()).extracting(AssetView::id)
                .containsExactly("rule:active_only", "rule:mask_email", "postgres_main_orders");

        ImpactAnalysis impact = lineage.impact("postgres_main_users", "email");
        assertThat(impact.affected()).extracting(a -> a.id()).containsExactly("rule:mask_email", "rule:active_only",
                "archive_users", "warehouse_users");
        assertThat(impact.countsByKind()).containsEntry(AssetKind.RULE, 2).containsEntry(AssetKind.SINK_TABLE, 1)
                .containsEntry(AssetKind.FILE, 1);
        assertThat(impact.criticalPath().length()).isEqualTo(3);
        assertThat(impact.columns()).extracting(DerivedColumn::assetId, DerivedColumn::column).containsExactly(
                tuple("archive_users", "email"), tuple("archive_users", "masked_email"),
                tuple("warehouse_users", "email"), tuple("warehouse_users", "masked_email"));
        assertThat(impact.columns()).filteredOn(c -> c.column().equals("masked_email"))
                .allSatisfy(c -> assertThat(c.transformations()).containsExactly("mask_email"));

        assertThat(lineage.columnLineage("warehouse_users", "masked_email", Direction.UPSTREAM).columns())
                .extracting(DerivedColumn::assetId, DerivedColumn::column).containsExactly(tuple("postgres_main_users", "email"));
        assertThat(lineage.columnLineage("postgres_main_users", "status", Direction.DOWNSTREAM).columns())
                .extracting(DerivedColumn::assetId).containsExactlyInAnyOrder("warehouse_users", "archive_users");

        // a second service over the same store sees what the first one wrote
        assertThat(LineageService.over(lineage.store()).impact("postgres_main_users", null).totalAffected()).isEqualTo(4);
    }

    private static long events(LineageService lineage, String from, String to) {
        return lineage.flows().stream().filter(f -> f.from().equals(from) && f.to().equals(to)).mapToLong(f -> f.events()).sum();
    }
}
