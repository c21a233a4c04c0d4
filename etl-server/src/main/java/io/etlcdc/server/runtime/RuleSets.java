package io.etlcdc.server.runtime;

import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.json.EtlJson;
import io.etlcdc.quality.QualityGate;
import io.etlcdc.quality.QualityRule;
import io.etlcdc.quality.QualityRules;
import io.etlcdc.lineage.AuditTrail;
import io.etlcdc.server.state.DefinitionStore;
import io.etlcdc.server.state.DefinitionStore.Kind;
import io.etlcdc.transform.RuleDefinition;
import io.etlcdc.transform.RuleEngine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The transformation rules and quality rules the pipeline runs: those of the config files (fixed) plus
 * those added through the API (kept in the state database). The rule engine and the quality gate live
 * as long as the server, across pipeline restarts, so that rules change at run time without a
 * restart. {@link #sync()} brings both in line with the stored rules when another replica changed them.
 */
public final class RuleSets {
    private final RuleEngine engine;
    private final QualityGate gate;
    private final DefinitionStore definitions;
    private final AuditTrail audit;
    private final Set<String> declaredRules;
    private final Set<String> declaredQuality;

    public RuleSets(RuleEngine engine, QualityGate gate, DefinitionStore definitions, AuditTrail audit,
                    List<RuleDefinition> declaredRules, List<QualityRule> declaredQuality) {
        this.engine = engine;
        this.gate = gate;
        this.definitions = definitions;
        this.audit = audit;
        this.declaredRules = Set.copyOf(declaredRules.stream().map(RuleDefinition::ruleId).toList());
        this.declaredQuality = Set.copyOf(declaredQuality.stream().map(QualityRule::ruleId).toList());
        sync();
    }

    public RuleEngine engine() {
        return engine;
    }

    public QualityGate gate() {
        return gate;
    }

    /** Validates, adds and keeps a transformation rule. */
    public synchronized RuleDefinition addRule(RuleDefinition rule, String actor) {
        if (rule.ruleId() != null && engine.list().stream().anyMatch(r -> r.ruleId().equals(rule.ruleId()))) {
            throw new EtlException(ErrorCode.CONFLICT, "a rule with rule_id '" + rule.ruleId() + "' already exists; delete it first");
        }
        engine.add(rule);
        definitions.put(Kind.RULE, rule.ruleId(), rule.asMap());
        audit.record(actor, "rule.add", rule.ruleId(), Map.of("rule_type", String.valueOf(rule.ruleType())));
        return rule;
    }

    public synchronized void removeRule(String ruleId, String actor) {
        if (declaredRules.contains(ruleId)) {
            throw new EtlException(ErrorCode.CONFLICT, "rule '" + ruleId + "' is declared in config/transformations.yaml; remove it there");
        }
        if (!engine.remove(ruleId)) {
            throw new EtlException(ErrorCode.NOT_FOUND, "no transformation rule with rule_id '" + ruleId + "'");
        }
        definitions.delete(Kind.RULE, ruleId);
        audit.record(actor, "rule.remove", ruleId, Map.of());
    }

    /** Validates, adds and keeps a quality rule. */
    public synchronized QualityRule addQualityRule(QualityRule rule, String actor) {
        QualityRule stored = gate.addRule(rule);
        definitions.put(Kind.QUALITY_RULE, stored.ruleId(), toMap(stored));
        audit.record(actor, "quality.rule.add", stored.ruleId(), Map.of("check", String.valueOf(stored.check()),
                "action", String.valueOf(stored.action())));
        return stored;
    }

    public synchronized void removeQualityRule(String ruleId, String actor) {
        if (declaredQuality.contains(ruleId)) {
            throw new EtlException(ErrorCode.CONFLICT, "quality rule '" + ruleId + "' is declared in config/quality.yaml; remove it there");
        }
        gate.removeRule(ruleId);
        definitions.delete(Kind.QUALITY_RULE, ruleId);
        audit.record(actor, "quality.rule.remove", ruleId, Map.of());
    }

    /** Adds stored rules the engine and gate lack and removes those no longer stored (rules of the config files stay). */
    public synchronized void sync() {
        Map<String, Map<String, Object>> stored = definitions.list(Kind.RULE);
        for (RuleDefinition r : engine.list()) {
            if (!declaredRules.contains(r.ruleId()) && !stored.containsKey(r.ruleId())) {
                engine.remove(r.ruleId());
            }
        }
        Set<String> present = Set.copyOf(engine.list().stream().map(RuleDefinition::ruleId).toList());
        stored.forEach((id, body) -> {
            if (!present.contains(id)) {
                try {
                    engine.add(EtlJson.mapper().convertValue(body, RuleDefinition.class));
                } catch (RuntimeException e) {
                    audit.record("system", "rule.restore.failed", id, Map.of("error", String.valueOf(e.getMessage())));
                }
            }
        });
        Map<String, Map<String, Object>> storedQuality = definitions.list(Kind.QUALITY_RULE);
        for (QualityRule r : gate.qualityRules()) {
            if (!declaredQuality.contains(r.ruleId()) && !storedQuality.containsKey(r.ruleId())) {
                gate.removeRule(r.ruleId());
            }
        }
        Set<String> presentQuality = Set.copyOf(gate.qualityRules().stream().map(QualityRule::ruleId).toList());
        storedQuality.forEach((id, body) -> {
            if (!presentQuality.contains(id)) {
                try {
                    gate.addRule(QualityRules.fromMap(body));
                } catch (RuntimeException e) {
                    audit.record("system", "quality.rule.restore.failed", id, Map.of("error", String.valueOf(e.getMessage())));
                }
            }
        });
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> toMap(QualityRule rule) {
        return new LinkedHashMap<>(EtlJson.mapper().convertValue(rule, Map.class));
    }
}
