package io.etlcdc.core.pipeline;

import io.etlcdc.core.annotation.Internal;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.lineage.ColumnMapping;
import io.etlcdc.core.lineage.FlowObservation;
import io.etlcdc.core.lineage.LineageAsset;
import io.etlcdc.core.lineage.LineageEdge;
import io.etlcdc.core.spi.LineageStore;
import io.etlcdc.core.spi.RuleDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Records lineage for the pipeline: once per batch, per (source table) path, never per event. The
 * path of a table is source table → each rule that applies to it, in order → each sink's asset. The
 * structure (assets, edges, column mappings) is written the first time a path is seen; flow counts
 * are added every batch. Every edge of a path carries the source asset as its
 * {@link LineageEdge#origin()}, because rules are shared by tables: without it the path of
 * {@code users} through {@code rule:mask_email} could not be told from the path of {@code orders}.
 */
@Internal
final class LineageRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(LineageRecorder.class);

    /** Asset id prefix of rules, so that a rule never clashes with a table name. */
    static final String RULE_PREFIX = "rule:";

    private final LineageStore store;
    private final Set<String> knownPaths = new HashSet<>();

    LineageRecorder(LineageStore store) {
        this.store = store;
    }

    /** The asset id of a captured table: {@code <source_id>_<table>}, e.g. {@code postgres_main_users}. */
    static String sourceAssetId(String sourceId, String collection) {
        int dot = collection.lastIndexOf('.');
        return sourceId + "_" + (dot < 0 ? collection : collection.substring(dot + 1));
    }

    /** Per table in a batch: how many came in, how many reached the sinks, and a sample row for columns. */
    static final class TableFlow {
        final String sourceId;
        final String collection;
        int in;
        int delivered;
        Map<String, Object> sampleOut;
        Map<String, Object> sampleIn;

        TableFlow(String sourceId, String collection) {
            this.sourceId = sourceId;
            this.collection = collection;
        }
    }

    void record(List<ChangeEvent> input, List<ChangeEvent> delivered, List<RuleDescriptor> rules,
                Map<String, Integer> failuresByRule, List<Pipeline.SinkEntry> sinks, Instant at) {
        if (store == null || input.isEmpty()) {
            return;
        }
        try {
            Map<String, TableFlow> flows = new LinkedHashMap<>();
            for (ChangeEvent e : input) {
                TableFlow f = flows.computeIfAbsent(e.sourceId() + "\u0000" + e.collection(), k -> new TableFlow(e.sourceId(), e.collection()));
                f.in++;
                if (f.sampleIn == null && e.data() != null) {
                    f.sampleIn = e.data();
                }
            }
            for (ChangeEvent e : delivered) {
                TableFlow f = flows.get(e.sourceId() + "\u0000" + e.collection());
                if (f == null) {
                    // a rule renamed the collection: count it on a path of its own
                    f = flows.computeIfAbsent(e.sourceId() + "\u0000" + e.collection(), k -> new TableFlow(e.sourceId(), e.collection()));
                }
                f.delivered++;
                if (f.sampleOut == null && e.data() != null) {
                    f.sampleOut = e.data();
                }
            }
            List<LineageAsset> assets = new ArrayList<>();
            List<LineageEdge> edges = new ArrayList<>();
            List<FlowObservation> observations = new ArrayList<>();
            for (TableFlow f : flows.values()) {
                List<RuleDescriptor> applicable = new ArrayList<>();
                for (RuleDescriptor r : rules) {
                    if (r.appliesTo(f.sourceId, f.collection)) {
                        applicable.add(r);
                    }
                }
                String sourceAsset = sourceAssetId(f.sourceId, f.collection);
                String pathKey = sourceAsset + "|" + applicable.stream().map(RuleDescriptor::id).toList() + "|"
                        + sinks.stream().map(Pipeline.SinkEntry::id).toList();
                boolean newPath = knownPaths.add(pathKey);
                if (newPath) {
                    describePath(f, sourceAsset, applicable, sinks, assets, edges);
                }
                observe(f, sourceAsset, applicable, failuresByRule, sinks, at, observations);
            }
            if (!assets.isEmpty()) {
                store.upsertAssets(assets);
                store.upsertEdges(edges);
            }
            store.recordFlows(observations);
        } catch (RuntimeException e) {
            // lineage must never stop data: log and go on; the path is retried on the next batch
            knownPaths.clear();
            LOG.warn("recording lineage failed: {}", e.toString());
        }
    }

    private static void describePath(TableFlow f, String sourceAsset, List<RuleDescriptor> rules,
                                     List<Pipeline.SinkEntry> sinks, List<LineageAsset> assets, List<LineageEdge> edges) {
        List<String> inColumns = f.sampleIn == null ? List.of() : List.copyOf(f.sampleIn.keySet());
        assets.add(new LineageAsset(sourceAsset, AssetKind.SOURCE_TABLE, f.collection, inColumns,
                Map.of("source_id", f.sourceId, "collection", f.collection)));
        String previous = sourceAsset;
        Map<String, RuleDescriptor> writers = new HashMap<>();
        for (RuleDescriptor r : rules) {
            String ruleAsset = RULE_PREFIX + r.id();
            assets.add(new LineageAsset(ruleAsset, r.kind().equals("quality") ? AssetKind.QUALITY_GATE : AssetKind.RULE,
                    r.id(), List.of(), Map.of("rule_type", r.kind())));
            List<ColumnMapping> mapping = r.targetField() == null || r.sourceFields().isEmpty()
                    ? List.of()
                    : List.of(new ColumnMapping(r.sourceFields(), r.targetField(), r.id()));
            edges.add(new LineageEdge(previous, ruleAsset, r.id(), mapping, sourceAsset));
            if (r.targetField() != null) {
                writers.put(r.targetField(), r);
            }
            previous = ruleAsset;
        }
        List<String> outColumns = f.sampleOut == null ? inColumns : List.copyOf(f.sampleOut.keySet());
        List<ColumnMapping> columns = new ArrayList<>(outColumns.size());
        for (String c : outColumns) {
            RuleDescriptor writer = writers.get(c);
            columns.add(writer != null
                    ? new ColumnMapping(writer.sourceFields(), c, writer.id())
                    : new ColumnMapping(List.of(c), c, "identity"));
        }
        for (Pipeline.SinkEntry sink : sinks) {
            String sinkAsset = sink.sink().assetName(sink.id(), f.sourceId, f.collection);
            assets.add(new LineageAsset(sinkAsset, sink.assetKind(), sinkAsset, outColumns, Map.of("sink_id", sink.id())));
            edges.add(new LineageEdge(previous, sinkAsset, "sink:" + sink.id(), columns, sourceAsset));
        }
    }

    private static void observe(TableFlow f, String sourceAsset, List<RuleDescriptor> rules, Map<String, Integer> failuresByRule,
                                List<Pipeline.SinkEntry> sinks, Instant at, List<FlowObservation> out) {
        String previous = sourceAsset;
        for (RuleDescriptor r : rules) {
            String ruleAsset = RULE_PREFIX + r.id();
            out.add(new FlowObservation(previous, ruleAsset, f.in, failuresByRule.getOrDefault(r.id(), 0), at));
            previous = ruleAsset;
        }
        for (Pipeline.SinkEntry sink : sinks) {
            out.add(new FlowObservation(previous, sink.sink().assetName(sink.id(), f.sourceId, f.collection), f.delivered, 0, at));
        }
    }
}
