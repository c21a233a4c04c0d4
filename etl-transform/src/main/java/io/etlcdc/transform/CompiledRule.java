package io.etlcdc.transform;

import com.fasterxml.jackson.core.type.TypeReference;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.json.EtlJson;
import io.etlcdc.core.spi.RuleDescriptor;
import io.etlcdc.core.spi.StateStore;
import io.etlcdc.core.spi.Transform;
import io.etlcdc.core.spi.TransformCollector;
import io.etlcdc.transform.expr.Py;
import io.etlcdc.transform.expr.Template;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A rule ready to run: compiled once, applied per record. Rules with state (running aggregates,
 * joins) keep it in memory, buffer the changes of a batch and write them to the {@link StateStore}
 * once per batch in {@link #flush}. Used by one pipeline thread at a time.
 */
abstract class CompiledRule {
    /** Returned by {@link #apply} when a filter rule drops the record. */
    static final Map<String, Object> FILTERED = Map.of("__filtered__", true);

    final RuleDefinition definition;
    final RuleDescriptor descriptor;
    /** Outcomes of the batch in progress: plain fields, touched only by the pipeline thread. */
    long batchApplied;
    long batchFiltered;
    long batchFailed;
    private final java.util.concurrent.atomic.LongAdder applied = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder filtered = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder failed = new java.util.concurrent.atomic.LongAdder();

    CompiledRule(RuleDefinition definition) {
        this.definition = definition;
        this.descriptor = new RuleDescriptor(definition.ruleId(), definition.ruleType(), Set.copyOf(definition.scope()),
                definition.sourceFields(), definition.targetField());
    }

    boolean appliesTo(ChangeEvent event) {
        return descriptor.appliesTo(event.sourceId(), event.collection());
    }

    /** True when every source field is present in the row; otherwise the rule leaves the record unchanged. */
    boolean hasSourceFields(Map<String, Object> row) {
        List<String> fields = definition.sourceFields();
        for (int i = 0, n = fields.size(); i < n; i++) {
            if (!row.containsKey(fields.get(i))) return false;
        }
        return true;
    }

    /** Sees every event before rules apply (joins learn their lookup table here). */
    void observe(ChangeEvent event) {
    }

    /**
     * The row after this rule: the same map when unchanged, a new map when changed, {@link #FILTERED}
     * when dropped. Throws when the record cannot be processed.
     */
    abstract Map<String, Object> apply(ChangeEvent event, Map<String, Object> row);

    /** Makes this batch's outcome counts visible to {@link #stats()} readers; once per batch. */
    final void publishCounts() {
        applied.add(batchApplied);
        filtered.add(batchFiltered);
        failed.add(batchFailed);
        batchApplied = 0;
        batchFiltered = 0;
        batchFailed = 0;
    }

    /** Records this rule ran on, filtered out, and failed on, since it was added. */
    final RuleStats stats() {
        return new RuleStats(applied.sum(), filtered.sum(), failed.sum());
    }

    /** Writes this batch's state changes, once per batch. */
    void flush() {
    }

    /**
     * The row a rule changed: copied once per record (the first change), then changed in place by the
     * following rules of the same record, since nothing else holds it until the event is built.
     */
    static final class OwnedRow extends LinkedHashMap<String, Object> {
        private static final long serialVersionUID = 1L;

        OwnedRow(Map<String, Object> row) {
            // room for the row and a few new fields; forEach copies without wrapping each entry of a read-only map
            super(Math.max(16, (int) ((row.size() + 4) / 0.75f) + 1));
            row.forEach(this::put);
        }
    }

    static Map<String, Object> with(Map<String, Object> row, String field, Object value) {
        if (row instanceof OwnedRow owned) {
            owned.put(field, value);
            return owned;
        }
        Map<String, Object> out = new OwnedRow(row);
        out.put(field, value);
        return out;
    }

    // ------------------------------------------------------------------ map

    static final class MapRule extends CompiledRule {
        private final Template template;

        MapRule(RuleDefinition d, Template template) {
            super(d);
            this.template = template;
        }

        @Override
        Map<String, Object> apply(ChangeEvent event, Map<String, Object> row) {
            return with(row, definition.targetField(), template.evaluate(row));
        }
    }

    // ------------------------------------------------------------------ filter

    static final class FilterRule extends CompiledRule {
        private final Template template;

        FilterRule(RuleDefinition d, Template template) {
            super(d);
            this.template = template;
        }

        @Override
        Map<String, Object> apply(ChangeEvent event, Map<String, Object> row) {
            return template.test(row) ? row : FILTERED;
        }
    }

    // ------------------------------------------------------------------ aggregate within a record

    static Object aggregate(String type, List<Object> values) {
        switch (type) {
            case "count":
                return (long) values.size();
            case "sum": {
                Object total = 0L;
                for (Object v : values) total = Py.add(total, v);
                return total;
            }
            case "avg": {
                if (values.isEmpty()) return null;
                Object total = 0L;
                for (Object v : values) total = Py.add(total, v);
                return Py.div(total, (long) values.size());
            }
            case "min": case "max": {
                Object best = null;
                for (Object v : values) {
                    if (best == null || (type.equals("min") ? Py.compare(v, best, "<") < 0 : Py.compare(v, best, ">") > 0)) best = v;
                }
                return best;
            }
            default:
                throw new IllegalArgumentException(type);
        }
    }

    static List<Object> numbers(RuleDefinition d, Map<String, Object> row) {
        List<Object> values = new ArrayList<>(d.sourceFields().size());
        for (String f : d.sourceFields()) {
            Object v = row.get(f);
            if (v == null) continue;
            if (v instanceof String s) {
                try {
                    v = new BigDecimal(s.trim());
                } catch (NumberFormatException e) {
                    throw new EtlException(ErrorCode.TRANSFORM_FAILED, "field '" + f + "' = '" + s + "' is not a number");
                }
            }
            if (!(v instanceof Number)) {
                throw new EtlException(ErrorCode.TRANSFORM_FAILED, "field '" + f + "' holds a " + Py.typeName(v) + ", not a number");
            }
            values.add(v);
        }
        return values;
    }

    static final class AggregateRule extends CompiledRule {
        private final String type;

        AggregateRule(RuleDefinition d, String type) {
            super(d);
            this.type = type;
        }

        @Override
        Map<String, Object> apply(ChangeEvent event, Map<String, Object> row) {
            return with(row, definition.targetField(), aggregate(type, numbers(definition, row)));
        }
    }

    // ------------------------------------------------------------------ running aggregate over the stream, per key

    /**
     * Count/sum/avg/min/max of the source fields over every INSERT and UPDATE seen, per value of the
     * {@code group_by} fields; the target field gets the running value after this event. An event at
     * or below the last position folded in for its source is not counted again (replays after a
     * crash), so the state stays exact.
     */
    static final class RunningAggregateRule extends CompiledRule {
        private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };
        private final String type;
        private final List<String> groupBy;
        private final StateStore store;
        private final String namespace;
        private final Map<String, Map<String, Object>> state = new HashMap<>();
        private final Map<String, String> dirty = new LinkedHashMap<>();

        RunningAggregateRule(RuleDefinition d, String type, List<String> groupBy, StateStore store) {
            super(d);
            this.type = type;
            this.groupBy = groupBy;
            this.store = store;
            this.namespace = "transform.aggregate." + d.ruleId();
            store.getAll(namespace).forEach((k, v) -> state.put(k, readJson(v)));
        }

        private static Map<String, Object> readJson(String json) {
            try {
                return new HashMap<>(EtlJson.mapper().readValue(json, MAP));
            } catch (IOException e) {
                throw new EtlException(ErrorCode.STATE_CORRUPT, "unreadable aggregate state: " + e.getMessage(), e);
            }
        }

        private String key(Map<String, Object> row) {
            StringBuilder sb = new StringBuilder();
            for (String g : groupBy) {
                if (sb.length() > 0) sb.append('\u001f');
                sb.append(Py.str(row.get(g)));
            }
            return sb.toString();
        }

        @Override
        boolean hasSourceFields(Map<String, Object> row) {
            if (!super.hasSourceFields(row)) return false;
            for (String g : groupBy) {
                if (!row.containsKey(g)) return false;
            }
            return true;
        }

        @Override
        Map<String, Object> apply(ChangeEvent event, Map<String, Object> row) {
            String key = key(row);
            Map<String, Object> s = state.computeIfAbsent(key, k -> new HashMap<>());
            String positionKey = "position." + event.sourceId();
            String seen = (String) s.get(positionKey);
            String position = positionText(event);
            boolean fold = event.operation() == Operation.INSERT || event.operation() == Operation.UPDATE;
            if (fold && (seen == null || comparePositions(position, seen) > 0)) {
                for (Object v : numbers(definition, row)) {
                    long count = ((Number) s.getOrDefault("count", 0L)).longValue() + 1;
                    s.put("count", count);
                    s.put("sum", Py.add(decimal(s.get("sum")), v instanceof BigDecimal ? v : new BigDecimal(Py.str(v))).toString());
                    Object min = s.get("min");
                    if (min == null || Py.compare(v, decimal(min), "<") < 0) s.put("min", Py.str(v));
                    Object max = s.get("max");
                    if (max == null || Py.compare(v, decimal(max), ">") > 0) s.put("max", Py.str(v));
                }
                s.put(positionKey, position);
                try {
                    dirty.put(key, EtlJson.mapper().writeValueAsString(s));
                } catch (IOException e) {
                    throw new EtlException(ErrorCode.INTERNAL, "cannot write aggregate state", e);
                }
            }
            return with(row, definition.targetField(), current(s));
        }

        private Object current(Map<String, Object> s) {
            long count = ((Number) s.getOrDefault("count", 0L)).longValue();
            switch (type) {
                case "count": return count;
                case "sum": return number(decimal(s.get("sum")));
                case "avg": return count == 0 ? null : number(decimal(s.get("sum")).divide(BigDecimal.valueOf(count), java.math.MathContext.DECIMAL64));
                case "min": return s.get("min") == null ? null : number(decimal(s.get("min")));
                default: return s.get("max") == null ? null : number(decimal(s.get("max")));
            }
        }

        private static BigDecimal decimal(Object o) {
            return o == null ? BigDecimal.ZERO : new BigDecimal(o.toString());
        }

        /** Whole results as Long, others as BigDecimal. */
        private static Object number(BigDecimal d) {
            BigDecimal stripped = d.stripTrailingZeros();
            if (stripped.scale() <= 0 && stripped.precision() - stripped.scale() < 19) return d.longValueExact();
            return d;
        }

        @Override
        void flush() {
            if (!dirty.isEmpty()) {
                store.putAll(namespace, new LinkedHashMap<>(dirty));
                dirty.clear();
            }
        }
    }

    static String positionText(ChangeEvent e) {
        try {
            return EtlJson.mapper().writeValueAsString(e.position().sortKey());
        } catch (IOException ex) {
            throw new EtlException(ErrorCode.INTERNAL, "cannot write position", ex);
        }
    }

    static int comparePositions(String a, String b) {
        try {
            List<Object> x = EtlJson.mapper().readValue(a, new TypeReference<List<Object>>() { });
            List<Object> y = EtlJson.mapper().readValue(b, new TypeReference<List<Object>>() { });
            return new io.etlcdc.core.event.Position(x, Map.of()).compareTo(new io.etlcdc.core.event.Position(y, Map.of()));
        } catch (IOException ex) {
            throw new EtlException(ErrorCode.STATE_CORRUPT, "unreadable position in state", ex);
        }
    }

    // ------------------------------------------------------------------ stream-table lookup join

    /**
     * Keeps the latest row of the lookup table ({@code parameters.table}) from that table's own
     * change events, keyed by {@code parameters.key}, and enriches the events in scope with the row
     * whose key equals their {@code parameters.foreign_key}: as a nested object in the target field,
     * or, with {@code parameters.prefix}, as prefixed columns. Only {@code parameters.fields} are
     * copied when given.
     */
    static final class JoinRule extends CompiledRule {
        private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };
        private final RuleDescriptor lookupTable;
        private final String key;
        private final String foreignKey;
        private final List<String> fields;
        private final String prefix;
        private final StateStore store;
        private final String namespace;
        private final Map<String, Map<String, Object>> rows = new HashMap<>();
        private final Map<String, String> dirty = new LinkedHashMap<>();

        JoinRule(RuleDefinition d, String table, String key, String foreignKey, List<String> fields, String prefix, StateStore store) {
            super(d);
            this.lookupTable = new RuleDescriptor(d.ruleId() + ".lookup", "join", Set.of(table), List.of(), null);
            this.key = key;
            this.foreignKey = foreignKey;
            this.fields = fields;
            this.prefix = prefix;
            this.store = store;
            this.namespace = "transform.join." + d.ruleId();
            store.getAll(namespace).forEach((k, v) -> {
                try {
                    rows.put(k, EtlJson.mapper().readValue(v, MAP));
                } catch (IOException e) {
                    throw new EtlException(ErrorCode.STATE_CORRUPT, "unreadable join state of rule '" + d.ruleId() + "': " + e.getMessage(), e);
                }
            });
        }

        @Override
        boolean appliesTo(ChangeEvent event) {
            return !lookupTable.appliesTo(event.sourceId(), event.collection()) && super.appliesTo(event);
        }

        @Override
        boolean hasSourceFields(Map<String, Object> row) {
            return row.containsKey(foreignKey) && super.hasSourceFields(row);
        }

        @Override
        void observe(ChangeEvent event) {
            if (!event.operation().isRowChange() || !lookupTable.appliesTo(event.sourceId(), event.collection())) return;
            Map<String, Object> row = event.operation() == Operation.DELETE ? event.data() : event.after();
            if (row == null || !row.containsKey(key)) return;
            String k = Py.str(row.get(key));
            try {
                if (event.operation() == Operation.DELETE) {
                    rows.remove(k);
                    dirty.put(k, null);
                } else {
                    rows.put(k, row);
                    dirty.put(k, EtlJson.mapper().writeValueAsString(row));
                }
            } catch (IOException e) {
                throw new EtlException(ErrorCode.TRANSFORM_FAILED, "cannot keep the row of " + event.collection() + " for join '"
                        + definition.ruleId() + "': " + e.getMessage(), e);
            }
        }

        @Override
        Map<String, Object> apply(ChangeEvent event, Map<String, Object> row) {
            Map<String, Object> match = rows.get(Py.str(row.get(foreignKey)));
            Map<String, Object> picked = null;
            if (match != null) {
                picked = new LinkedHashMap<>();
                if (fields.isEmpty()) {
                    picked.putAll(match);
                } else {
                    for (String f : fields) picked.put(f, match.get(f));
                }
            }
            if (prefix != null) {
                Map<String, Object> out = row instanceof OwnedRow owned ? owned : new OwnedRow(row);
                if (picked != null) picked.forEach((k, v) -> out.put(prefix + k, v));
                return out;
            }
            return with(row, definition.targetField(), picked);
        }

        @Override
        void flush() {
            if (!dirty.isEmpty()) {
                store.putAll(namespace, new HashMap<>(dirty));
                dirty.clear();
            }
        }
    }

    // ------------------------------------------------------------------ a user's rule type

    /** Runs a {@link Transform} from a {@code TransformProvider} on one event at a time. */
    static final class ProviderRule extends CompiledRule {
        private final Transform transform;

        ProviderRule(RuleDefinition d, Transform transform) {
            super(d);
            this.transform = transform;
        }

        void close() {
            try {
                transform.close();
            } catch (Exception e) {
                // closing a user's transform must not stop the others from closing
            }
        }

        @Override
        Map<String, Object> apply(ChangeEvent event, Map<String, Object> row) {
            SingleCollector c = new SingleCollector();
            try {
                transform.apply(List.of(event.withData(row)), c);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new EtlException(ErrorCode.TRANSFORM_FAILED, e.getMessage(), e);
            }
            if (c.failure != null) throw new EtlException(ErrorCode.TRANSFORM_FAILED, c.failure);
            if (c.emitted == null) return FILTERED;
            return c.emitted.data();
        }
    }

    /** Captures the one outcome of a {@link ProviderRule}'s transform. */
    static final class SingleCollector implements TransformCollector {
        ChangeEvent emitted;
        String failure;

        @Override public void emit(ChangeEvent event) { emitted = event; }
        @Override public void filter(ChangeEvent event, String ruleId) { emitted = null; }
        @Override public void drop(ChangeEvent event, String ruleId, String reason) { emitted = null; }
        @Override public void deadLetter(ChangeEvent event, String ruleId, String reason, Map<String, Object> details) { failure = reason; }
        @Override public void failSource(String sourceId, String reason) { failure = reason; }
        @Override public void failPipeline(String reason) { failure = reason; }
    }
}
