package io.etlcdc.transform.connect;

import io.etlcdc.core.connectors.FileStateStore;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.spi.TransformCollector;
import io.etlcdc.transform.RuleDefinition;
import io.etlcdc.transform.RuleEngine;
import io.etlcdc.transform.RuleFiles;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.Transformation;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the same rule files inside Kafka Connect, on Debezium change-event envelopes ({@code before},
 * {@code after}, {@code source}, {@code op}), with or without schemas.
 *
 * <pre>
 * transforms=rules
 * transforms.rules.type=io.etlcdc.transform.connect.RuleTransformation$Value
 * transforms.rules.rules.file=/etc/kafka-connect/transformations.yaml
 * # or inline: transforms.rules.rules=rules: [{rule_id: ..., rule_type: map, ...}]
 * transforms.rules.state.dir=/var/lib/kafka-connect/etl-transform-state   # joins / running aggregates
 * </pre>
 *
 * A filter that drops an event returns null (Connect drops the record); a rule failing on a record
 * throws {@link DataException}, so Connect's {@code errors.tolerance} and dead-letter queue apply.
 * Tombstones and records that are not change events pass through unchanged. One instance per task;
 * not shared between threads.
 *
 * @param <R> the record type
 */
public abstract class RuleTransformation<R extends ConnectRecord<R>> implements Transformation<R> {
    public static final String RULES = "rules";
    public static final String RULES_FILE = "rules.file";
    public static final String SOURCE_ID = "source.id";
    public static final String STATE_DIR = "state.dir";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(RULES, ConfigDef.Type.STRING, null, ConfigDef.Importance.HIGH,
                    "The rules as YAML or JSON text (a 'rules:' list, as in config/transformations.yaml).")
            .define(RULES_FILE, ConfigDef.Type.STRING, null, ConfigDef.Importance.HIGH,
                    "Path of a rule file (YAML or JSON); used when 'rules' is not set.")
            .define(SOURCE_ID, ConfigDef.Type.STRING, null, ConfigDef.Importance.MEDIUM,
                    "The source id rules scope on; default: the envelope's source.name (Debezium's topic prefix).")
            .define(STATE_DIR, ConfigDef.Type.STRING, null, ConfigDef.Importance.MEDIUM,
                    "Directory for join and running-aggregate state; default: in memory (lost on restart).");

    private RuleEngine engine;
    private String sourceId;
    private long sequence;
    private final Map<String, Schema> schemaCache = new HashMap<>();

    @Override
    public void configure(Map<String, ?> configs) {
        Map<String, Object> values = CONFIG_DEF.parse(configs);
        String text = (String) values.get(RULES);
        String file = (String) values.get(RULES_FILE);
        List<RuleDefinition> rules;
        if (text != null && !text.isBlank()) {
            rules = RuleFiles.parse(text);
        } else if (file != null && !file.isBlank()) {
            rules = RuleFiles.load(Path.of(file));
        } else {
            throw new ConfigException(RULES, null, "set '" + RULES + "' (rule text) or '" + RULES_FILE + "' (a rule file path)");
        }
        RuleEngine.Builder b = RuleEngine.builder().id("connect").rules(rules);
        String stateDir = (String) values.get(STATE_DIR);
        if (stateDir != null && !stateDir.isBlank()) {
            b.stateStore(new FileStateStore(Path.of(stateDir)));
        }
        this.engine = b.build();
        this.sourceId = (String) values.get(SOURCE_ID);
    }

    protected abstract Object operatingValue(R record);

    protected abstract Schema operatingSchema(R record);

    protected abstract R newRecord(R record, Schema schema, Object value);

    @Override
    public R apply(R record) {
        Object value = operatingValue(record);
        Map<String, Object> envelope = asMap(value);
        if (envelope == null || !envelope.containsKey("op") || !(envelope.get("source") instanceof Map)) {
            return record;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> source = (Map<String, Object>) envelope.get("source");
        Operation op = Operation.parse(String.valueOf(envelope.get("op")));
        String table = source.get("table") != null ? String.valueOf(source.get("table")) : String.valueOf(source.get("collection"));
        String schemaOrDb = source.get("schema") != null ? String.valueOf(source.get("schema")) : String.valueOf(source.get("db"));
        String src = sourceId != null ? sourceId : String.valueOf(source.get("name"));
        long ts = source.get("ts_ms") instanceof Number n ? n.longValue() : record.timestamp() == null ? 0 : record.timestamp();
        ChangeEvent event;
        try {
            event = ChangeEvent.builder(src, schemaOrDb + "." + table, op)
                    .snapshot("r".equals(envelope.get("op")))
                    .before(rowOf(envelope.get("before")))
                    .after(rowOf(envelope.get("after")))
                    .key(op == Operation.DELETE && envelope.get("before") == null ? Map.of() : null)
                    .position(Position.of(ts, ++sequence))
                    .build();
        } catch (IllegalArgumentException e) {
            return record;
        }
        Outcome outcome = new Outcome();
        engine.apply(List.of(event), outcome);
        if (outcome.failure != null) {
            throw new DataException(outcome.failure);
        }
        if (outcome.event == null) {
            return null;
        }
        if (outcome.event == event) {
            return record;
        }
        String side = op == Operation.DELETE ? "before" : "after";
        Map<String, Object> row = op == Operation.DELETE ? outcome.event.before() : outcome.event.after();
        if (value instanceof Struct struct) {
            Schema rowSchema = rowSchema(struct.schema().field(side).schema(), row);
            Schema envelopeSchema = envelopeSchema(struct.schema(), side, rowSchema);
            Struct out = new Struct(envelopeSchema);
            for (Field f : struct.schema().fields()) {
                out.put(f.name(), f.name().equals(side) ? toStruct(rowSchema, row) : struct.get(f));
            }
            return newRecord(record, envelopeSchema, out);
        }
        Map<String, Object> out = new LinkedHashMap<>(envelope);
        out.put(side, row);
        return newRecord(record, operatingSchema(record), out);
    }

    private static Map<String, Object> rowOf(Object v) {
        Map<String, Object> m = asMap(v);
        return m == null ? null : new LinkedHashMap<>(m);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object v) {
        if (v instanceof Struct s) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Field f : s.schema().fields()) {
                m.put(f.name(), plain(s.get(f)));
            }
            return m;
        }
        return v instanceof Map ? (Map<String, Object>) v : null;
    }

    private static Object plain(Object v) {
        if (v instanceof Struct s) return asMap(s);
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(plain(x)));
            return out;
        }
        return v;
    }

    private Schema envelopeSchema(Schema original, String side, Schema rowSchema) {
        String key = original.name() + "|" + side + "|" + System.identityHashCode(rowSchema);
        return schemaCache.computeIfAbsent(key, k -> {
            SchemaBuilder b = SchemaBuilder.struct().name(original.name()).version(original.version()).optional();
            for (Field f : original.fields()) {
                b.field(f.name(), f.name().equals(side) ? rowSchema : f.schema());
            }
            return b.build();
        });
    }

    /** The original row schema plus a schema for every field the rules added, cached by shape. */
    private Schema rowSchema(Schema original, Map<String, Object> row) {
        StringBuilder key = new StringBuilder(String.valueOf(original.name())).append('|');
        for (Map.Entry<String, Object> e : row.entrySet()) {
            if (original.field(e.getKey()) == null) {
                key.append(e.getKey()).append(':').append(shape(e.getValue())).append(',');
            }
        }
        return schemaCache.computeIfAbsent(key.toString(), k -> {
            SchemaBuilder b = SchemaBuilder.struct().name(original.name()).optional();
            for (Field f : original.fields()) {
                if (row.containsKey(f.name())) b.field(f.name(), f.schema());
            }
            for (Map.Entry<String, Object> e : row.entrySet()) {
                if (original.field(e.getKey()) == null) b.field(e.getKey(), infer(e.getValue()));
            }
            return b.build();
        });
    }

    private static String shape(Object v) {
        if (v instanceof BigDecimal d) return "decimal" + d.scale();
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            m.forEach((k, x) -> sb.append(k).append(':').append(shape(x)).append(';'));
            return sb.append('}').toString();
        }
        if (v instanceof List<?> l) return "[" + (l.isEmpty() ? "" : shape(l.get(0))) + "]";
        return v == null ? "null" : v.getClass().getSimpleName();
    }

    private static Schema infer(Object v) {
        if (v instanceof Boolean) return Schema.OPTIONAL_BOOLEAN_SCHEMA;
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) return Schema.OPTIONAL_INT64_SCHEMA;
        if (v instanceof Double || v instanceof Float) return Schema.OPTIONAL_FLOAT64_SCHEMA;
        if (v instanceof BigDecimal d) return Decimal.builder(Math.max(0, d.scale())).optional().build();
        if (v instanceof Map<?, ?> m) {
            SchemaBuilder b = SchemaBuilder.struct().optional();
            m.forEach((k, x) -> b.field(String.valueOf(k), infer(x)));
            return b.build();
        }
        if (v instanceof List<?> l) {
            return SchemaBuilder.array(l.isEmpty() ? Schema.OPTIONAL_STRING_SCHEMA : infer(l.get(0))).optional().build();
        }
        return Schema.OPTIONAL_STRING_SCHEMA;
    }

    private static Object toStruct(Schema schema, Object v) {
        if (v == null) return null;
        switch (schema.type()) {
            case STRUCT: {
                Struct s = new Struct(schema);
                Map<?, ?> m = (Map<?, ?>) v;
                for (Field f : schema.fields()) s.put(f, toStruct(f.schema(), m.get(f.name())));
                return s;
            }
            case ARRAY: {
                List<Object> out = new ArrayList<>();
                for (Object x : (List<?>) v) out.add(toStruct(schema.valueSchema(), x));
                return out;
            }
            case INT64: return v instanceof Number n ? n.longValue() : v;
            case FLOAT64: return v instanceof Number n ? n.doubleValue() : v;
            case STRING: return v instanceof String ? v : io.etlcdc.transform.expr.Py.str(v);
            case BYTES:
                if (Decimal.LOGICAL_NAME.equals(schema.name()) && v instanceof BigDecimal d) {
                    int scale = Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD));
                    return d.setScale(scale, java.math.RoundingMode.HALF_EVEN);
                }
                return v;
            default: return v;
        }
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public void close() {
        if (engine != null) engine.close();
    }

    /** Captures the engine's outcome for one record. */
    private static final class Outcome implements TransformCollector {
        ChangeEvent event;
        String failure;

        @Override public void emit(ChangeEvent e) { event = e; }
        @Override public void filter(ChangeEvent e, String ruleId) { event = null; }
        @Override public void drop(ChangeEvent e, String ruleId, String reason) { event = null; }
        @Override public void deadLetter(ChangeEvent e, String ruleId, String reason, Map<String, Object> details) { failure = reason; }
        @Override public void failSource(String id, String reason) { failure = reason; }
        @Override public void failPipeline(String reason) { failure = reason; }
    }

    /** Applies the rules to the record value (the Debezium envelope). */
    public static final class Value<R extends ConnectRecord<R>> extends RuleTransformation<R> {
        @Override
        protected Object operatingValue(R record) {
            return record.value();
        }

        @Override
        protected Schema operatingSchema(R record) {
            return record.valueSchema();
        }

        @Override
        protected R newRecord(R record, Schema schema, Object value) {
            return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(), schema, value,
                    record.timestamp(), record.headers());
        }
    }
}
