package io.etlcdc.connect.state;

import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.lineage.ColumnMapping;
import io.etlcdc.core.lineage.FlowObservation;
import io.etlcdc.core.lineage.LineageAsset;
import io.etlcdc.core.lineage.LineageEdge;
import io.etlcdc.core.spi.LineageStore;
import io.etlcdc.core.spi.RuleDescriptor;
import io.etlcdc.core.spi.Sink;
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
 * Records, from a sink task, the same lineage the embedded pipeline records: per table path
 * {@code <source_id>_<table>} → {@code rule:<id>} for each rule of the connector's transformation chain
 * that applies → the sink's asset, with column mappings, written once per path; flow counts added once
 * per batch (never per record).
 *
 * <p>What a sink task can see differs from the embedded pipeline: records a filter rule removed, or a
 * quality rule dropped, never reach the task, so the counts into the rules are the records that came
 * through the chain (delivered plus dead-lettered), and the failures on the quality gate are the
 * records it sent to the dead-letter queue. Recording never stops the data: a failure is logged and the
 * path is written again with the next batch. Used from the task's thread only.
 */
public final class TaskLineage {
    private static final Logger LOG = LoggerFactory.getLogger(TaskLineage.class);
    private static final String RULE_PREFIX = "rule:";

    private final LineageStore store;
    private final String sinkId;
    private final Sink sink;
    private final AssetKind sinkKind;
    private final List<RuleDescriptor> rules;
    private final Set<String> knownPaths = new HashSet<>();

    public TaskLineage(LineageStore store, String sinkId, Sink sink, AssetKind sinkKind, List<RuleDescriptor> rules) {
        this.store = store;
        this.sinkId = sinkId;
        this.sink = sink;
        this.sinkKind = sinkKind;
        this.rules = List.copyOf(rules);
    }

    /** The asset id of a captured table, as the embedded pipeline names it: {@code <source_id>_<table>}. */
    public static String sourceAssetId(String sourceId, String collection) {
        int dot = collection.lastIndexOf('.');
        return sourceId + "_" + (dot < 0 ? collection : collection.substring(dot + 1));
    }

    private static final class Flow {
        final String sourceId;
        final String collection;
        long in;
        long delivered;
        long deadLettered;
        Map<String, Object> sample;

        Flow(String sourceId, String collection) {
            this.sourceId = sourceId;
            this.collection = collection;
        }
    }

    /**
     * Records one batch.
     *
     * @param delivered     the events the sink wrote
     * @param deadLettered  the events of the batch the quality gate or the sink sent to the dead-letter queue
     * @param qualityRuleId the rule that dead-lettered each of {@code deadLettered}, same order (null: the sink)
     */
    public void record(List<ChangeEvent> delivered, List<ChangeEvent> deadLettered, List<String> qualityRuleId, Instant at) {
        if (delivered.isEmpty() && deadLettered.isEmpty()) {
            return;
        }
        try {
            Map<String, Flow> flows = new LinkedHashMap<>();
            Map<String, Integer> failuresByRule = new HashMap<>();
            for (ChangeEvent e : delivered) {
                Flow f = flows.computeIfAbsent(e.sourceId() + "\u0000" + e.collection(), k -> new Flow(e.sourceId(), e.collection()));
                f.in++;
                f.delivered++;
                if (f.sample == null && e.data() != null) {
                    f.sample = e.data();
                }
            }
            for (int i = 0; i < deadLettered.size(); i++) {
                ChangeEvent e = deadLettered.get(i);
                Flow f = flows.computeIfAbsent(e.sourceId() + "\u0000" + e.collection(), k -> new Flow(e.sourceId(), e.collection()));
                f.in++;
                f.deadLettered++;
                String rule = qualityRuleId.get(i);
                if (rule != null) {
                    failuresByRule.merge(rule, 1, Integer::sum);
                }
                if (f.sample == null && e.data() != null) {
                    f.sample = e.data();
                }
            }
            List<LineageAsset> assets = new ArrayList<>();
            List<LineageEdge> edges = new ArrayList<>();
            List<FlowObservation> observations = new ArrayList<>();
            for (Flow f : flows.values()) {
                List<RuleDescriptor> applicable = rules.stream().filter(r -> r.appliesTo(f.sourceId, f.collection)).toList();
                String sourceAsset = sourceAssetId(f.sourceId, f.collection);
                String sinkAsset = sink.assetName(sinkId, f.sourceId, f.collection);
                if (knownPaths.add(sourceAsset + "|" + sinkAsset)) {
                    describe(f, sourceAsset, sinkAsset, applicable, assets, edges);
                }
                String previous = sourceAsset;
                for (RuleDescriptor r : applicable) {
                    observations.add(new FlowObservation(previous, RULE_PREFIX + r.id(), f.in, failuresByRule.getOrDefault(r.id(), 0), at));
                    previous = RULE_PREFIX + r.id();
                }
                observations.add(new FlowObservation(previous, sinkAsset, f.delivered, 0, at));
            }
            if (!assets.isEmpty()) {
                store.upsertAssets(assets);
                store.upsertEdges(edges);
            }
            store.recordFlows(observations);
        } catch (RuntimeException e) {
            knownPaths.clear();
            LOG.warn("recording lineage of sink {} failed (retried with the next batch): {}", sinkId, e.toString());
        }
    }

    private void describe(Flow f, String sourceAsset, String sinkAsset, List<RuleDescriptor> applicable,
                          List<LineageAsset> assets, List<LineageEdge> edges) {
        List<String> columns = f.sample == null ? List.of() : List.copyOf(f.sample.keySet());
        Map<String, RuleDescriptor> writers = new HashMap<>();
        for (RuleDescriptor r : applicable) {
            if (r.targetField() != null) {
                writers.put(r.targetField(), r);
            }
        }
        List<String> inColumns = columns.stream().filter(c -> !writers.containsKey(c)).toList();
        assets.add(new LineageAsset(sourceAsset, AssetKind.SOURCE_TABLE, f.collection, inColumns,
                Map.of("source_id", f.sourceId, "collection", f.collection)));
        String previous = sourceAsset;
        for (RuleDescriptor r : applicable) {
            String ruleAsset = RULE_PREFIX + r.id();
            assets.add(new LineageAsset(ruleAsset, "quality".equals(r.kind()) ? AssetKind.QUALITY_GATE : AssetKind.RULE, r.id(),
                    List.of(), Map.of("rule_type", r.kind())));
            List<ColumnMapping> mapping = r.targetField() == null || r.sourceFields().isEmpty() ? List.of()
                    : List.of(new ColumnMapping(r.sourceFields(), r.targetField(), r.id()));
            edges.add(new LineageEdge(previous, ruleAsset, r.id(), mapping, sourceAsset));
            previous = ruleAsset;
        }
        List<ColumnMapping> out = new ArrayList<>(columns.size());
        for (String c : columns) {
            RuleDescriptor w = writers.get(c);
            out.add(w != null ? new ColumnMapping(w.sourceFields(), c, w.id()) : new ColumnMapping(List.of(c), c, "identity"));
        }
        assets.add(new LineageAsset(sinkAsset, sinkKind, sinkAsset, columns, Map.of("sink_id", sinkId, "engine", "kafka-connect")));
        edges.add(new LineageEdge(previous, sinkAsset, "sink:" + sinkId, out, sourceAsset));
    }
}
