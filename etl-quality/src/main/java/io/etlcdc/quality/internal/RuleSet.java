package io.etlcdc.quality.internal;

import io.etlcdc.core.annotation.Internal;
import io.etlcdc.core.spi.RuleDescriptor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One immutable version of a gate's rules. Adding or removing a rule builds a new set (reusing the
 * compiled rules that did not change, with their live state) and swaps it in whole, so a batch always
 * sees one consistent set. Which rules apply to a table is worked out once per (source, table) and
 * cached. Thread-safe.
 */
@Internal
public final class RuleSet {
    /** The rules that apply to one table, with the asset's counters. */
    public record Plan(String asset, CompiledRule[] rules, int[] slots, WindowedCounters assetCounters) {}

    private final List<CompiledRule> rules;
    private final List<RuleDescriptor> descriptors;
    private final WindowedCounters[] ruleCounters;
    private final QualityMetrics metrics;
    private final Map<String, Map<String, Plan>> plans = new ConcurrentHashMap<>();

    public RuleSet(List<CompiledRule> rules, QualityMetrics metrics) {
        this.rules = List.copyOf(rules);
        this.descriptors = this.rules.stream().map(CompiledRule::descriptor).toList();
        this.metrics = metrics;
        this.ruleCounters = new WindowedCounters[this.rules.size()];
        for (int i = 0; i < ruleCounters.length; i++) {
            ruleCounters[i] = metrics.rule(this.rules.get(i).ruleId());
        }
    }

    public List<CompiledRule> rules() {
        return rules;
    }

    /** One lineage descriptor per rule, built once (the pipeline asks for them every batch). */
    public List<RuleDescriptor> descriptors() {
        return descriptors;
    }

    public int size() {
        return rules.size();
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    public Optional<CompiledRule> find(String ruleId) {
        return rules.stream().filter(r -> r.ruleId().equals(ruleId)).findFirst();
    }

    /** The counters of the rule at {@code slot}. */
    public WindowedCounters ruleCounters(int slot) {
        return ruleCounters[slot];
    }

    /** The rules for a table; allocates only the first time a table is seen. */
    public Plan plan(String sourceId, String collection) {
        Map<String, Plan> bySource = plans.get(sourceId);
        if (bySource == null) {
            bySource = plans.computeIfAbsent(sourceId, k -> new ConcurrentHashMap<>());
        }
        Plan plan = bySource.get(collection);
        if (plan == null) {
            plan = bySource.computeIfAbsent(collection, c -> buildPlan(sourceId, c));
        }
        return plan;
    }

    private Plan buildPlan(String sourceId, String collection) {
        int dot = collection.lastIndexOf('.');
        String asset = sourceId + "_" + (dot < 0 ? collection : collection.substring(dot + 1));
        List<CompiledRule> applicable = new ArrayList<>();
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).appliesTo(sourceId, collection)) {
                applicable.add(rules.get(i));
                slots.add(i);
            }
        }
        return new Plan(asset, applicable.toArray(new CompiledRule[0]), slots.stream().mapToInt(Integer::intValue).toArray(),
                applicable.isEmpty() ? null : metrics.asset(asset));
    }
}
