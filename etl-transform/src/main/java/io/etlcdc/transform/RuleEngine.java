package io.etlcdc.transform;

import io.etlcdc.core.config.Configuration;
import io.etlcdc.core.connectors.MemoryStateStore;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.ProviderRegistry;
import io.etlcdc.core.spi.RuleDescriptor;
import io.etlcdc.core.spi.StateStore;
import io.etlcdc.core.spi.Transform;
import io.etlcdc.core.spi.TransformCollector;
import io.etlcdc.core.spi.TransformProvider;
import io.etlcdc.transform.expr.JinjaEngine;
import io.etlcdc.transform.expr.PyException;
import io.etlcdc.transform.expr.Template;
import io.etlcdc.transform.expr.TemplateSyntaxException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The transformation stage: applies the rules ({@code map}, {@code filter}, {@code aggregate},
 * {@code join}, and user rule types) to every row change, in ascending {@code order} and then in the
 * order they were added.
 *
 * <p><b>Per event.</b> Rules see {@link ChangeEvent#data()}: {@code after} for inserts and updates,
 * {@code before} for deletes; TRUNCATE and DDL pass through unchanged. A rule applies when the event's
 * table is in its scope and the row has every one of its {@code source_fields}; otherwise the row is
 * left as it is. A filter whose expression is falsy reports {@link TransformCollector#filter}. A rule
 * that fails on a record sends it to {@link TransformCollector#deadLetter} with the rule id and the
 * error; the batch goes on.
 *
 * <p><b>Threads.</b> Rules are compiled once when added. {@link #add}/{@link #remove} swap an
 * immutable rule list atomically, so changes at run time need no lock on the event path; a batch uses
 * the list it started with. {@link #apply} is called by one pipeline thread at a time.
 *
 * <p><b>State.</b> Running aggregates and joins keep their state in the {@link StateStore} given to
 * the builder (written once per batch), so it survives a restart.
 */
public final class RuleEngine implements Transform {
    /** The built-in rule types. */
    public static final Set<String> BUILT_IN_TYPES = Set.of("map", "filter", "aggregate", "join");
    private static final Set<String> AGGREGATE_TYPES = Set.of("sum", "avg", "min", "max", "count");

    private final String id;
    private final JinjaEngine jinja;
    private final StateStore stateStore;
    private final ProviderRegistry<TransformProvider> providers;
    private final ClassLoader classLoader;
    private final AtomicReference<List<CompiledRule>> rules = new AtomicReference<>(List.of());
    private final Object writeLock = new Object();

    private RuleEngine(Builder b) {
        this.id = b.id;
        this.classLoader = b.classLoader;
        this.jinja = b.jinja != null ? b.jinja : JinjaEngine.builder().loadFunctions(b.classLoader).build();
        this.stateStore = b.stateStore != null ? b.stateStore : new MemoryStateStore();
        this.providers = b.providers != null ? b.providers : ProviderRegistry.load(TransformProvider.class, b.classLoader);
        for (RuleDefinition d : b.rules) {
            add(d);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** An engine from a provider context: its class loader, and the {@link StateStore} service when offered. */
    public static RuleEngine fromContext(ProviderContext context, List<RuleDefinition> rules) {
        Builder b = builder().id(context.id()).classLoader(context.classLoader());
        context.service(StateStore.class).ifPresent(b::stateStore);
        rules.forEach(b::rule);
        return b.build();
    }

    @Override
    public String id() {
        return id;
    }

    /** The Jinja2 engine the rules use (with the custom functions found). */
    public JinjaEngine jinja() {
        return jinja;
    }

    // ------------------------------------------------------------------ rule management

    /** The rules in the order they run. */
    public List<RuleDefinition> list() {
        return rules.get().stream().map(r -> r.definition).toList();
    }

    /**
     * Validates, compiles and adds a rule.
     *
     * @throws RuleValidationException listing every problem when the rule is invalid
     * @throws EtlException {@link ErrorCode#CONFLICT} when a rule with the same id exists
     */
    public void add(RuleDefinition definition) {
        CompiledRule compiled = compile(definition, stateStore);
        synchronized (writeLock) {
            List<CompiledRule> current = rules.get();
            for (CompiledRule r : current) {
                if (r.definition.ruleId().equals(definition.ruleId())) {
                    throw new EtlException(ErrorCode.CONFLICT, "a rule with rule_id '" + definition.ruleId() + "' already exists; remove it first");
                }
            }
            List<CompiledRule> next = new ArrayList<>(current);
            next.add(compiled);
            next.sort(Comparator.comparingInt(r -> r.definition.orderOrZero()));
            rules.set(List.copyOf(next));
        }
    }

    /** Removes a rule; returns false when there was none with that id. */
    public boolean remove(String ruleId) {
        synchronized (writeLock) {
            List<CompiledRule> current = rules.get();
            List<CompiledRule> next = current.stream().filter(r -> !r.definition.ruleId().equals(ruleId)).toList();
            rules.set(next);
            return next.size() != current.size();
        }
    }

    /** Every problem with a rule, without adding it; empty when it is valid. */
    public List<RuleError> validate(RuleDefinition d) {
        List<RuleError> errors = new ArrayList<>();
        if (d.ruleId() == null || d.ruleId().isBlank()) errors.add(RuleError.of("rule_id", "is required"));
        if (d.ruleType() == null || d.ruleType().isBlank()) {
            errors.add(RuleError.of("rule_type", "is required; one of " + knownTypes()));
            return errors;
        }
        String type = d.ruleType();
        if (!BUILT_IN_TYPES.contains(type) && providers.find(type).isEmpty()) {
            errors.add(RuleError.of("rule_type", "unknown rule type '" + type + "'; available: " + knownTypes()));
            return errors;
        }
        switch (type) {
            case "map" -> {
                requireTarget(d, errors);
                checkExpression(d, errors, true);
            }
            case "filter" -> checkExpression(d, errors, true);
            case "aggregate" -> {
                requireTarget(d, errors);
                Object agg = d.parameters().get("type");
                if (agg == null || !AGGREGATE_TYPES.contains(String.valueOf(agg))) {
                    errors.add(RuleError.of("parameters.type", "got " + (agg == null ? "nothing" : "'" + agg + "'")
                            + "; expected one of sum, avg, min, max, count"));
                }
                if (d.sourceFields().isEmpty()) errors.add(RuleError.of("source_fields", "aggregate needs at least one source field"));
                Object groupBy = d.parameters().get("group_by");
                if (groupBy != null && !(groupBy instanceof List || groupBy instanceof String)) {
                    errors.add(RuleError.of("parameters.group_by", "must be a field name or a list of field names"));
                }
            }
            case "join" -> {
                for (String p : List.of("table", "key", "foreign_key")) {
                    if (!(d.parameters().get(p) instanceof String s) || s.isBlank()) {
                        errors.add(RuleError.of("parameters." + p, "is required for a join (" + switch (p) {
                            case "table" -> "the lookup table, e.g. users or postgres_main_users";
                            case "key" -> "the lookup table's key column, e.g. id";
                            default -> "the column of the enriched events holding that key, e.g. user_id";
                        } + ")"));
                    }
                }
                if (d.parameters().get("prefix") == null) requireTarget(d, errors);
            }
            default -> {
                if (d.expression() != null) checkExpression(d, errors, false);
                if (errors.isEmpty()) {
                    try {
                        providers.get(type).create(providerContext(d)).close();
                    } catch (Exception e) {
                        errors.add(RuleError.of("rule_type", "rule type '" + type + "' refused the rule: " + e.getMessage()));
                    }
                }
            }
        }
        return errors;
    }

    private String knownTypes() {
        List<String> all = new ArrayList<>(List.of("map", "filter", "aggregate", "join"));
        providers.identifiers().forEach(t -> {
            if (!all.contains(t)) all.add(t);
        });
        return String.join(", ", all);
    }

    private static void requireTarget(RuleDefinition d, List<RuleError> errors) {
        if (d.targetField() == null || d.targetField().isBlank()) {
            errors.add(RuleError.of("target_field", "is required for a " + d.ruleType() + " rule"));
        }
    }

    private void checkExpression(RuleDefinition d, List<RuleError> errors, boolean required) {
        if (d.expression() == null || d.expression().isBlank()) {
            if (required) errors.add(RuleError.of("expression", "is required for a " + d.ruleType() + " rule"));
            return;
        }
        try {
            jinja.compile(d.expression());
        } catch (TemplateSyntaxException e) {
            errors.add(new RuleError("expression", e.line(), e.column(), e.reason()));
        }
    }

    private ProviderContext providerContext(RuleDefinition d) {
        ProviderContext.Builder b = ProviderContext.builder(d.ruleId() == null ? "rule" : d.ruleId())
                .config(Configuration.of(d.asMap()))
                .classLoader(classLoader)
                .service(StateStore.class, stateStore)
                .service(JinjaEngine.class, jinja);
        return b.build();
    }

    private CompiledRule compile(RuleDefinition d, StateStore store) {
        List<RuleError> errors = validate(d);
        if (!errors.isEmpty()) {
            throw new RuleValidationException(d.ruleId() == null ? "(no rule_id)" : d.ruleId(), errors);
        }
        switch (d.ruleType()) {
            case "map":
                return new CompiledRule.MapRule(d, jinja.compile(d.expression()));
            case "filter":
                return new CompiledRule.FilterRule(d, jinja.compile(d.expression()));
            case "aggregate": {
                String type = String.valueOf(d.parameters().get("type"));
                Object groupBy = d.parameters().get("group_by");
                if (groupBy == null) return new CompiledRule.AggregateRule(d, type);
                List<String> keys = groupBy instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(groupBy));
                return new CompiledRule.RunningAggregateRule(d, type, keys, store);
            }
            case "join": {
                Object fields = d.parameters().get("fields");
                List<String> picked = fields instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
                Object prefix = d.parameters().get("prefix");
                return new CompiledRule.JoinRule(d, (String) d.parameters().get("table"), (String) d.parameters().get("key"),
                        (String) d.parameters().get("foreign_key"), picked, prefix == null ? null : String.valueOf(prefix), store);
            }
            default:
                return new CompiledRule.ProviderRule(d, providers.get(d.ruleType()).create(providerContext(d)));
        }
    }

    // ------------------------------------------------------------------ processing

    @Override
    public void apply(List<ChangeEvent> batch, TransformCollector out) {
        List<CompiledRule> active = rules.get();
        if (active.isEmpty()) {
            for (ChangeEvent e : batch) out.emit(e);
            return;
        }
        try {
            for (ChangeEvent event : batch) {
                process(active, event, out);
            }
        } finally {
            for (CompiledRule r : active) {
                r.flush();
                r.publishCounts();
            }
        }
    }

    private static void process(List<CompiledRule> active, ChangeEvent event, TransformCollector out) {
        if (!event.operation().isRowChange() || event.data() == null) {
            out.emit(event);
            return;
        }
        for (int i = 0, n = active.size(); i < n; i++) active.get(i).observe(event);
        Map<String, Object> original = event.data();
        Map<String, Object> row = original;
        for (int i = 0, n = active.size(); i < n; i++) {
            CompiledRule rule = active.get(i);
            if (!rule.appliesTo(event) || !rule.hasSourceFields(row)) continue;
            try {
                row = rule.apply(event, row);
                rule.batchApplied++;
            } catch (RuntimeException e) {
                rule.batchFailed++;
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("rule_id", rule.definition.ruleId());
                details.put("rule_type", rule.definition.ruleType());
                details.put("error_type", e instanceof PyException p ? p.pythonType() : e.getClass().getSimpleName());
                out.deadLetter(event, rule.definition.ruleId(), "rule '" + rule.definition.ruleId() + "' failed: " + e.getMessage(), details);
                return;
            }
            if (row == CompiledRule.FILTERED) {
                rule.batchFiltered++;
                out.filter(event, rule.definition.ruleId());
                return;
            }
        }
        out.emit(row == original ? event : event.withData(row));
    }

    /**
     * Runs rules over sample records without touching this engine's rules or state (for
     * {@code POST /api/v1/transformations/preview}). Each record is an {@code after} row of an insert
     * into every table, so scopes are ignored.
     *
     * @throws RuleValidationException when a rule is invalid
     */
    public List<PreviewResult> preview(List<RuleDefinition> definitions, List<Map<String, Object>> records) {
        StateStore scratch = new MemoryStateStore();
        List<CompiledRule> compiled = new ArrayList<>();
        for (RuleDefinition d : definitions) {
            RuleDefinition unscoped = new RuleDefinition(d.ruleId(), d.name(), d.ruleType(), d.sourceFields(), d.targetField(),
                    d.expression(), d.parameters(), null, d.order());
            compiled.add(compile(unscoped, scratch));
        }
        compiled.sort(Comparator.comparingInt(r -> r.definition.orderOrZero()));
        List<PreviewResult> results = new ArrayList<>();
        long n = 0;
        for (Map<String, Object> record : records) {
            ChangeEvent event = ChangeEvent.insert("preview", "preview.records", null, new LinkedHashMap<>(record), Position.of(++n));
            PreviewCollector c = new PreviewCollector();
            process(compiled, event, c);
            results.add(c.result);
        }
        return results;
    }

    private static final class PreviewCollector implements TransformCollector {
        PreviewResult result;

        @Override public void emit(ChangeEvent event) { result = new PreviewResult(event.data(), false, null, null); }
        @Override public void filter(ChangeEvent event, String ruleId) { result = new PreviewResult(null, true, ruleId, null); }
        @Override public void drop(ChangeEvent event, String ruleId, String reason) { result = new PreviewResult(null, true, ruleId, reason); }
        @Override public void deadLetter(ChangeEvent event, String ruleId, String reason, Map<String, Object> details) {
            result = new PreviewResult(null, false, ruleId, reason);
        }
        @Override public void failSource(String sourceId, String reason) { result = new PreviewResult(null, false, null, reason); }
        @Override public void failPipeline(String reason) { result = new PreviewResult(null, false, null, reason); }
    }

    /** Per rule id, in run order: records the rule ran on, filtered out and failed on since it was added. */
    public Map<String, RuleStats> stats() {
        Map<String, RuleStats> out = new LinkedHashMap<>();
        for (CompiledRule r : rules.get()) {
            out.put(r.definition.ruleId(), r.stats());
        }
        return out;
    }

    @Override
    public List<RuleDescriptor> rules() {
        return rules.get().stream().map(r -> r.descriptor).toList();
    }

    /** Compiles one template with this engine's functions and limits (for callers that evaluate expressions directly). */
    public Template compileExpression(String expression) {
        return jinja.compile(expression);
    }

    /** Builds a {@link RuleEngine}. */
    public static final class Builder {
        private String id = "transform";
        private JinjaEngine jinja;
        private StateStore stateStore;
        private ProviderRegistry<TransformProvider> providers;
        private ClassLoader classLoader = RuleEngine.class.getClassLoader();
        private final List<RuleDefinition> rules = new ArrayList<>();

        private Builder() {}

        public Builder id(String value) { this.id = Objects.requireNonNull(value, "id"); return this; }
        /** Where running aggregates and joins keep their state; default: in memory (lost on restart). */
        public Builder stateStore(StateStore value) { this.stateStore = value; return this; }
        /** The Jinja2 engine; default: one with the {@code TransformFunction}s found through the class loader. */
        public Builder jinja(JinjaEngine value) { this.jinja = value; return this; }
        /** User rule types; default: the {@code TransformProvider}s found through the class loader. */
        public Builder providers(ProviderRegistry<TransformProvider> value) { this.providers = value; return this; }
        public Builder classLoader(ClassLoader value) { this.classLoader = Objects.requireNonNull(value, "classLoader"); return this; }
        public Builder rule(RuleDefinition value) { this.rules.add(value); return this; }
        public Builder rules(List<RuleDefinition> value) { this.rules.addAll(value); return this; }

        /** @throws RuleValidationException when a rule is invalid */
        public RuleEngine build() {
            return new RuleEngine(this);
        }
    }

    /** Closes the transforms of user rule types. */
    @Override
    public void close() {
        for (CompiledRule r : rules.get()) {
            if (r instanceof CompiledRule.ProviderRule p) {
                p.close();
            }
        }
    }
}
