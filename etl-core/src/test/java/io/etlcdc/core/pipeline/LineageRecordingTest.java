package io.etlcdc.core.pipeline;

import io.etlcdc.core.connectors.MemorySink;
import io.etlcdc.core.connectors.MemorySource;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.lineage.ColumnMapping;
import io.etlcdc.core.lineage.FlowObservation;
import io.etlcdc.core.lineage.FlowStats;
import io.etlcdc.core.lineage.LineageAsset;
import io.etlcdc.core.lineage.LineageEdge;
import io.etlcdc.core.spi.LineageStore;
import io.etlcdc.core.spi.RuleDescriptor;
import io.etlcdc.core.spi.Transform;
import io.etlcdc.core.spi.TransformCollector;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.etlcdc.core.testing.Events.inserts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LineageRecordingTest {

    /** Counts calls, to prove recording happens per batch and not per event. */
    static final class CountingStore implements LineageStore {
        final Map<String, LineageAsset> assets = new LinkedHashMap<>();
        final List<LineageEdge> edges = new ArrayList<>();
        final Map<String, Long> events = new LinkedHashMap<>();
        final AtomicInteger flowCalls = new AtomicInteger();

        @Override
        public synchronized void upsertAssets(Collection<LineageAsset> a) {
            a.forEach(x -> assets.put(x.id(), x));
        }

        @Override
        public synchronized void upsertEdges(Collection<LineageEdge> e) {
            edges.addAll(e);
        }

        @Override
        public synchronized void recordFlows(Collection<FlowObservation> observations) {
            flowCalls.incrementAndGet();
            observations.forEach(o -> events.merge(o.from() + "->" + o.to(), o.events(), Long::sum));
        }

        @Override
        public synchronized List<LineageAsset> assets() {
            return List.copyOf(assets.values());
        }

        @Override
        public synchronized List<LineageEdge> edges() {
            return List.copyOf(edges);
        }

        @Override
        public List<FlowStats> flows() {
            return List.of();
        }

        @Override
        public void removeAsset(String assetId) {
        }
    }

    static Transform rule(String id, String kind, List<String> sources, String target) {
        return new Transform() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public void apply(List<ChangeEvent> batch, TransformCollector out) {
                for (ChangeEvent e : batch) {
                    if (target == null) {
                        out.emit(e);
                    } else {
                        Map<String, Object> row = new LinkedHashMap<>(e.after());
                        row.put(target, "x");
                        out.emit(e.withAfter(row));
                    }
                }
            }

            @Override
            public List<RuleDescriptor> rules() {
                return List.of(new RuleDescriptor(id, kind, Set.of(), sources, target));
            }
        };
    }

    @Test
    void recordsTheSourceRuleSinkPathWithColumnsOncePerBatch() {
        CountingStore store = new CountingStore();
        MemorySource source = new MemorySource();
        Pipeline p = Pipeline.builder().source("postgres_main", source)
                .transform(rule("mask_email", "map", List.of("email"), "masked_email"))
                .transform(rule("active_only", "filter", List.of("name"), null))
                .sink("warehouse", new MemorySink()).sink("archive", new MemorySink(), AssetKind.FILE)
                .lineageStore(store).stopTimeout(Duration.ofSeconds(5)).build();
        p.start();
        try {
            source.push(inserts("postgres_main", 1, 100));
            await().atMost(5, TimeUnit.SECONDS).until(() -> store.events.getOrDefault("rule:active_only->warehouse_users", 0L) == 100L);
        } finally {
            p.stop();
        }
        assertThat(store.flowCalls.get()).as("one write per batch, not per event").isLessThanOrEqualTo(2);
        assertThat(store.assets.keySet()).containsExactlyInAnyOrder("postgres_main_users", "rule:mask_email", "rule:active_only",
                "warehouse_users", "archive_users");
        assertThat(store.assets.get("archive_users").kind()).isEqualTo(AssetKind.FILE);
        assertThat(store.edges).extracting(e -> e.from() + "->" + e.to()).containsExactlyInAnyOrder(
                "postgres_main_users->rule:mask_email", "rule:mask_email->rule:active_only",
                "rule:active_only->warehouse_users", "rule:active_only->archive_users");
        LineageEdge toWarehouse = store.edges.stream().filter(e -> e.to().equals("warehouse_users")).findFirst().orElseThrow();
        assertThat(toWarehouse.columns()).contains(new ColumnMapping(List.of("email"), "masked_email", "mask_email"),
                new ColumnMapping(List.of("id"), "id", "identity"));
        assertThat(store.events).containsEntry("postgres_main_users->rule:mask_email", 100L);
        assertThat(store.edges).as("every hop is tagged with the table whose path it is")
                .allSatisfy(e -> assertThat(e.origin()).isEqualTo("postgres_main_users"));
    }
}
