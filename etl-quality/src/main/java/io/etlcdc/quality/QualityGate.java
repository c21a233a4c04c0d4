package io.etlcdc.quality;

import io.etlcdc.core.annotation.PublicEvolving;
import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.ConfigException.ConfigError;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.spi.ExpressionEngine;
import io.etlcdc.core.spi.RuleDescriptor;
import io.etlcdc.core.spi.Transform;
import io.etlcdc.core.spi.TransformCollector;
import io.etlcdc.quality.internal.CompiledRule;
import io.etlcdc.quality.internal.Evaluation;
import io.etlcdc.quality.internal.ExpressionEngines;
import io.etlcdc.quality.internal.QualityMetrics;
import io.etlcdc.quality.internal.RuleCompiler;
import io.etlcdc.quality.internal.RuleSet;
import io.etlcdc.quality.internal.WindowedCounters;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The quality gate: the pipeline stage that checks every record against the quality rules whose
 * target matches it, after the transforms ({@code Pipeline.builder().quality(gate)}).
 *
 * <pre>{@code
 * QualityGate gate = QualityGate.builder()
 *         .rulesFile(Path.of("config/quality.yaml"))
 *         .build();
 * Pipeline.builder().source("postgres_main", source).quality(gate).sink("warehouse", sink)
 *         .deadLetterSink(deadLetters).build();
 * gate.addRule(rule);            // at run time; the next batch sees it
 * gate.check(request);           // dry run
 * gate.metrics();                // live figures
 * }</pre>
 *
 * <p><b>What is checked.</b> Each row change (INSERT, UPDATE, DELETE) is checked on
 * {@link ChangeEvent#data()}: the row after the change, or before it for a delete. TRUNCATE and DDL
 * events pass unchecked. A rule applies when its target is {@code all}, the event's source id, or
 * the event's asset {@code <source_id>_<table>}. A field a partial row does not carry (a delete's
 * key-only image, a column an update left unchanged) is not checked.
 *
 * <p><b>Actions.</b> A record failing rules gets the strongest of their actions: {@code warn}
 * (passed on), {@code drop} ({@link TransformCollector#drop}), {@code dead_letter}
 * ({@link TransformCollector#deadLetter} with every failed check in the details under
 * {@code failed_checks}) or {@code fail} ({@link TransformCollector#failPipeline}). Every outcome is
 * counted in {@link #metrics()}.
 *
 * <p><b>Threads.</b> {@link #apply} runs on one pipeline thread at a time. Rules are held in an
 * immutable set swapped whole by {@link #addRule}, {@link #removeRule} and {@link #replaceRules}
 * (callable from any thread; a batch sees one set from start to end). {@link #check},
 * {@link #metrics()} and the getters are safe from any thread. Checking is compiled once per rule and
 * allocates per record only what a failure needs; metrics are updated once per batch.
 */
@PublicEvolving
public final class QualityGate implements Transform {
    /** The default stage id, used in dead letters and lineage. */
    public static final String DEFAULT_ID = "quality";

    private final String id;
    private final Clock clock;
    private final RuleCompiler compiler;
    private final QualityMetrics metrics;
    private final Object writeLock = new Object();
    private volatile RuleSet ruleSet;

    private QualityGate(Builder b, RuleCompiler compiler, List<CompiledRule> initialRules) {
        this.id = b.id;
        this.clock = b.clock;
        this.compiler = compiler;
        this.metrics = new QualityMetrics(clock);
        this.ruleSet = new RuleSet(initialRules, metrics);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String id() {
        return id;
    }

    // ---- rules ----------------------------------------------------------------------------------

    /** The rules in force, in the order they were added. */
    public List<QualityRule> qualityRules() {
        return ruleSet.rules().stream().map(CompiledRule::rule).toList();
    }

    /** The rule with that id, if there is one. */
    public Optional<QualityRule> rule(String ruleId) {
        return ruleSet.find(ruleId).map(CompiledRule::rule);
    }

    /** One descriptor per rule, kind {@code quality}, for lineage. */
    @Override
    public List<RuleDescriptor> rules() {
        return ruleSet.descriptors();
    }

    /** Every problem with a rule, validated with this gate's expression engine; empty when valid. */
    public List<ConfigError> validate(QualityRule rule) {
        return compiler.validate(rule);
    }

    /**
     * Adds a rule; the next batch applies it.
     *
     * @return the rule as stored (defaults filled in)
     * @throws ConfigException listing every problem with the rule
     * @throws EtlException    {@link ErrorCode#CONFLICT} when a rule with that id exists
     */
    public QualityRule addRule(QualityRule rule) {
        Objects.requireNonNull(rule, "rule");
        List<ConfigError> errors = new ArrayList<>();
        CompiledRule compiled = compiler.compile(rule, "", errors);
        if (compiled == null) {
            throw new ConfigException("quality rule" + (rule.ruleId() == null ? "" : " '" + rule.ruleId() + "'"), errors);
        }
        synchronized (writeLock) {
            RuleSet current = ruleSet;
            if (current.find(rule.ruleId()).isPresent()) {
                throw new EtlException(ErrorCode.CONFLICT, "quality rule '" + rule.ruleId() + "' already exists; delete it first to replace it");
            }
            List<CompiledRule> next = new ArrayList<>(current.rules());
            next.add(compiled);
            ruleSet = new RuleSet(next, metrics);
        }
        return compiled.rule();
    }

    /**
     * Removes a rule (and its per-rule figures); the next batch no longer applies it.
     *
     * @return the removed rule
     * @throws EtlException {@link ErrorCode#NOT_FOUND} naming the id and the known ones
     */
    public QualityRule removeRule(String ruleId) {
        synchronized (writeLock) {
            RuleSet current = ruleSet;
            CompiledRule removed = current.find(ruleId).orElseThrow(() -> notFound(Set.of(String.valueOf(ruleId)), current));
            List<CompiledRule> next = new ArrayList<>(current.rules());
            next.remove(removed);
            ruleSet = new RuleSet(next, metrics);
            metrics.forgetRule(ruleId);
            return removed.rule();
        }
    }

    /**
     * Replaces every rule at once (e.g. after {@code config/quality.yaml} changed). Rules that did not
     * change keep their live state (unique windows) and figures.
     *
     * @throws ConfigException listing every problem, keys prefixed {@code rules[i].}; nothing changes then
     */
    public void replaceRules(List<QualityRule> rules) {
        synchronized (writeLock) {
            RuleSet current = ruleSet;
            List<ConfigError> errors = new ArrayList<>();
            List<CompiledRule> next = compileAll(compiler, rules, current.rules(), Set.of(), errors);
            if (!errors.isEmpty()) {
                throw new ConfigException("quality rules", errors);
            }
            ruleSet = new RuleSet(next, metrics);
            Set<String> kept = new HashSet<>();
            next.forEach(r -> kept.add(r.ruleId()));
            current.rules().stream().map(CompiledRule::ruleId).filter(r -> !kept.contains(r)).forEach(metrics::forgetRule);
        }
    }

    /** Compiles a rule list, reusing unchanged compiled rules; adds every problem (and duplicate ids) to {@code errors}. */
    private static List<CompiledRule> compileAll(RuleCompiler compiler, List<QualityRule> rules, List<CompiledRule> reusable,
                                                 Set<Integer> malformed, List<ConfigError> errors) {
        Map<QualityRule, CompiledRule> unchanged = new HashMap<>();
        reusable.forEach(r -> unchanged.put(r.rule(), r));
        List<CompiledRule> out = new ArrayList<>(rules.size());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < rules.size(); i++) {
            QualityRule rule = Objects.requireNonNull(rules.get(i), "rule");
            CompiledRule compiled = unchanged.get(rule);
            if (compiled == null && !malformed.contains(i)) {
                compiled = compiler.compile(rule, "rules[" + i + "].", errors);
            }
            if (rule.ruleId() != null && !ids.add(rule.ruleId())) {
                errors.add(new ConfigError("rules[" + i + "].rule_id", rule.ruleId(), "duplicate rule id"));
            }
            if (compiled != null) {
                out.add(compiled);
            }
        }
        return out;
    }

    private static EtlException notFound(Set<String> unknown, RuleSet set) {
        Set<String> known = new TreeSet<>();
        set.rules().forEach(r -> known.add(r.ruleId()));
        return new EtlException(ErrorCode.NOT_FOUND, (unknown.size() == 1 ? "no quality rule '" + unknown.iterator().next() + "'"
                : "no quality rules " + unknown) + "; known rules: " + (known.isEmpty() ? "(none)" : String.join(", ", known)));
    }

    // ---- the pipeline stage --------------------------------------------------------------------

    @Override
    public void apply(List<ChangeEvent> batch, TransformCollector out) {
        RuleSet set = ruleSet;
        int ruleCount = set.size();
        if (ruleCount == 0) {
            for (ChangeEvent e : batch) {
                out.emit(e);
            }
            metrics.outcomes(0, 0, 0, 0, 0, batch.size());
            return;
        }
        long now = clock.millis();
        Evaluation ctx = Evaluation.live(now);
        long[] ruleTally = new long[ruleCount * WindowedCounters.WIDTH];
        Map<RuleSet.Plan, long[]> assetTally = new IdentityHashMap<>(4);
        CompiledRule[] failedRules = new CompiledRule[ruleCount];
        String[] reasons = new String[ruleCount];
        long passed = 0;
        long warned = 0;
        long dropped = 0;
        long deadLettered = 0;
        long failed = 0;
        long unchecked = 0;

        for (ChangeEvent event : batch) {
            Map<String, Object> row = event.data();
            if (row == null || !event.operation().isRowChange()) {
                out.emit(event);
                unchecked++;
                continue;
            }
            RuleSet.Plan plan = set.plan(event.sourceId(), event.collection());
            CompiledRule[] rules = plan.rules();
            if (rules.length == 0) {
                out.emit(event);
                unchecked++;
                continue;
            }
            ctx.bind(event, row, plan.asset());
            long[] assetCounts = assetTally.get(plan);
            if (assetCounts == null) {
                assetCounts = new long[WindowedCounters.WIDTH];
                assetTally.put(plan, assetCounts);
            }
            int failures = 0;
            boolean evaluated = false;
            int[] slots = plan.slots();
            for (int i = 0; i < rules.length; i++) {
                CompiledRule rule = rules[i];
                String verdict = rule.evaluate(ctx);
                if (verdict == CompiledRule.SKIPPED) {
                    continue;
                }
                evaluated = true;
                boolean ok = verdict == null;
                int weight = rule.severity().weight();
                WindowedCounters.countRule(ruleTally, slots[i] * WindowedCounters.WIDTH, ok, rule.checkType(), weight);
                WindowedCounters.countEvaluation(assetCounts, 0, ok, rule.checkType(), weight);
                if (!ok) {
                    failedRules[failures] = rule;
                    reasons[failures] = verdict;
                    failures++;
                }
            }
            if (!evaluated) {
                out.emit(event);
                unchecked++;
                continue;
            }
            WindowedCounters.countRecord(assetCounts, 0, failures == 0);
            if (failures == 0) {
                out.emit(event);
                passed++;
                continue;
            }
            int decider = 0;
            for (int i = 1; i < failures; i++) {
                if (failedRules[i].action().ordinal() > failedRules[decider].action().ordinal()) {
                    decider = i;
                }
            }
            CompiledRule rule = failedRules[decider];
            switch (rule.action()) {
                case WARN -> {
                    out.emit(event);
                    warned++;
                }
                case DROP -> {
                    out.drop(event, rule.ruleId(), describe(rule, reasons[decider], failures));
                    dropped++;
                }
                case DEAD_LETTER -> {
                    out.deadLetter(event, rule.ruleId(), describe(rule, reasons[decider], failures),
                            details(plan.asset(), failedRules, reasons, failures, ctx));
                    deadLettered++;
                }
                case FAIL -> {
                    out.failPipeline(describe(rule, reasons[decider], failures) + " on " + plan.asset()
                            + " at position " + event.position().display() + " (action fail)");
                    failed++;
                }
            }
            java.util.Arrays.fill(reasons, 0, failures, null);
            java.util.Arrays.fill(failedRules, 0, failures, null);
        }

        for (int slot = 0; slot < ruleCount; slot++) {
            if (ruleTally[slot * WindowedCounters.WIDTH] > 0) {
                set.ruleCounters(slot).add(ruleTally, slot * WindowedCounters.WIDTH, now);
            }
        }
        assetTally.forEach((plan, counts) -> {
            if (counts[0] > 0) {
                plan.assetCounters().add(counts, 0, now);
            }
        });
        metrics.outcomes(passed, warned, dropped, deadLettered, failed, unchecked);
    }

    private static String describe(CompiledRule rule, String reason, int failures) {
        StringBuilder sb = new StringBuilder(96).append("quality rule '").append(rule.ruleId()).append("' (")
                .append(rule.checkType().apiName());
        if (rule.rule().field() != null) {
            sb.append(" on '").append(rule.rule().field()).append('\'');
        }
        sb.append(") failed: ").append(reason);
        if (failures > 1) {
            sb.append("; ").append(failures - 1).append(failures == 2 ? " more check failed" : " more checks failed");
        }
        return sb.toString();
    }

    private static Map<String, Object> details(String asset, CompiledRule[] failedRules, String[] reasons, int failures,
                                               Evaluation ctx) {
        List<Map<String, Object>> checks = new ArrayList<>(failures);
        for (int i = 0; i < failures; i++) {
            CompiledRule r = failedRules[i];
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("rule_id", r.ruleId());
            c.put("field", r.rule().field());
            c.put("check", r.checkType().apiName());
            c.put("value", r.valueOf(ctx));
            c.put("reason", reasons[i]);
            c.put("severity", r.severity().apiName());
            c.put("action", r.action().apiName());
            checks.add(c);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("asset", asset);
        details.put("failed_checks", checks);
        return details;
    }

    // ---- dry run ---------------------------------------------------------------------------------

    /**
     * Checks records without touching the live pipeline: no metric changes, no unique window sees them
     * (a {@code unique} rule compares the submitted records with each other only). A {@code freshness}
     * rule without a field has no event time to read in a plain record and is not checked.
     *
     * @throws EtlException {@link ErrorCode#NOT_FOUND} when {@code rule_ids} names an unknown rule
     */
    public QualityCheckResult check(QualityCheckRequest request) {
        Objects.requireNonNull(request, "request");
        RuleSet set = ruleSet;
        List<CompiledRule> selected = select(set, request);
        Evaluation ctx = Evaluation.dryRun(clock.millis());
        String asset = request.target() == null ? "" : request.target();
        List<RecordResult> results = new ArrayList<>(request.records().size());
        int passed = 0;
        for (int index = 0; index < request.records().size(); index++) {
            ctx.bind(request.records().get(index), asset);
            List<CheckFailure> failures = new ArrayList<>(0);
            for (CompiledRule rule : selected) {
                String verdict = rule.evaluate(ctx);
                if (verdict != null && verdict != CompiledRule.SKIPPED) {
                    failures.add(new CheckFailure(rule.ruleId(), rule.rule().field(), rule.checkType().apiName(),
                            rule.valueOf(ctx), verdict));
                }
            }
            if (failures.isEmpty()) {
                passed++;
            }
            results.add(new RecordResult(index, failures.isEmpty(), failures));
        }
        int checked = results.size();
        return new QualityCheckResult(results, new CheckSummary(checked, passed, checked - passed,
                checked == 0 ? 1.0 : (double) passed / checked));
    }

    private static List<CompiledRule> select(RuleSet set, QualityCheckRequest request) {
        if (!request.ruleIds().isEmpty()) {
            List<CompiledRule> selected = new ArrayList<>(request.ruleIds().size());
            Set<String> unknown = new java.util.LinkedHashSet<>();
            for (String ruleId : new java.util.LinkedHashSet<>(request.ruleIds())) {
                set.find(ruleId).ifPresentOrElse(selected::add, () -> unknown.add(ruleId));
            }
            if (!unknown.isEmpty()) {
                throw notFound(unknown, set);
            }
            return selected;
        }
        if (request.target() == null) {
            return set.rules();
        }
        return set.rules().stream().filter(r -> r.appliesTo(request.target())).toList();
    }

    // ---- metrics ---------------------------------------------------------------------------------

    /** The live figures: outcomes, and per rule and per asset the whole run and the last 1, 5 and 15 minutes. */
    public QualityMetricsSnapshot metrics() {
        return metrics.snapshot();
    }

    /** Builds a {@link QualityGate}. */
    public static final class Builder {
        private String id = DEFAULT_ID;
        private Clock clock = Clock.systemUTC();
        private ClassLoader classLoader = QualityGate.class.getClassLoader();
        private String expressionLanguage = ExpressionEngines.DEFAULT_LANGUAGE;
        private ExpressionEngine engine;
        private final List<QualityRule> rules = new ArrayList<>();
        private Path rulesFile;

        private Builder() {}

        /** The stage id used in dead letters and lineage; default {@code quality}. */
        public Builder id(String value) {
            this.id = Objects.requireNonNull(value, "id");
            return this;
        }

        /** The clock for freshness checks and the metric windows; default UTC system clock. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Where to look for the expression engine provider; default this module's class loader. */
        public Builder classLoader(ClassLoader value) {
            this.classLoader = Objects.requireNonNull(value, "classLoader");
            return this;
        }

        /** The {@code ExpressionEngineProvider} identifier used by {@code expression} checks; default {@code jinja2}. */
        public Builder expressionLanguage(String value) {
            this.expressionLanguage = Objects.requireNonNull(value, "expressionLanguage");
            return this;
        }

        /** An engine to use for {@code expression} checks instead of looking one up. */
        public Builder expressionEngine(ExpressionEngine value) {
            this.engine = Objects.requireNonNull(value, "engine");
            return this;
        }

        /** Adds rules (after those of {@link #rulesFile}). */
        public Builder rules(List<QualityRule> value) {
            rules.addAll(value);
            return this;
        }

        public Builder rule(QualityRule value) {
            rules.add(Objects.requireNonNull(value, "rule"));
            return this;
        }

        /** Reads rules from a {@code quality.yaml} file when building (the file must exist). */
        public Builder rulesFile(Path value) {
            this.rulesFile = Objects.requireNonNull(value, "rulesFile");
            return this;
        }

        /**
         * Builds the gate, validating every rule.
         *
         * @throws ConfigException listing every problem of the rules file and the rules
         */
        public QualityGate build() {
            RuleCompiler compiler = new RuleCompiler(engine != null ? ExpressionEngines.of(engine)
                    : ExpressionEngines.lookup(expressionLanguage, classLoader));
            List<ConfigError> errors = new ArrayList<>();
            List<QualityRule> all = new ArrayList<>();
            Set<Integer> malformed = Set.of();
            if (rulesFile != null) {
                QualityRules.Document doc = QualityRules.readDocument(QualityRules.read(rulesFile), errors);
                all.addAll(doc.rules());
                malformed = doc.malformed();
            }
            all.addAll(rules);
            List<CompiledRule> compiled = compileAll(compiler, all, List.of(), malformed, errors);
            if (!errors.isEmpty()) {
                throw new ConfigException(rulesFile != null ? rulesFile.toString() : "quality rules", errors);
            }
            return new QualityGate(this, compiler, compiled);
        }
    }
}
