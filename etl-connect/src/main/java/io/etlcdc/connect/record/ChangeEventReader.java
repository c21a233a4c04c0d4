package io.etlcdc.connect.record;

import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.event.TableSchema;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Debezium change-event envelope ({@code before}, {@code after}, {@code source}, {@code op}) from a
 * Connect record, with schemas (Struct) or without (maps), into the product's {@link ChangeEvent}: the
 * same source id, collection, operation, key and rows the embedded source would produce, with values
 * of the Java types {@link io.etlcdc.core.event.ColumnType} names and, when the record has schemas, the
 * table's {@link TableSchema} (key columns from the record key, source column types from Debezium's
 * {@code column.propagate.source.type} parameters).
 *
 * <p>The event's position is the record's place in Kafka: the sort key is the (original) offset, and the
 * offset map holds topic, partition and offset plus the source's own LSN when the envelope has one.
 * Offsets order the records of one partition, which is what a sink writing one partition needs.
 *
 * <p>Not thread-safe (it caches table schemas per Connect schema); use one per task or transformation.
 */
public final class ChangeEventReader {
    /** The Debezium parameter carrying a column's database type (with {@code column.propagate.source.type}). */
    static final String SOURCE_TYPE = "__debezium.source.column.type";
    static final String SOURCE_LENGTH = "__debezium.source.column.length";
    static final String SOURCE_SCALE = "__debezium.source.column.scale";

    private final String sourceIdOverride;
    private final Map<Schema, TableSchema> tableSchemas = new IdentityHashMap<>();

    /** @param sourceIdOverride the source id events get; null: the envelope's {@code source.name} (Debezium's topic prefix) */
    public ChangeEventReader(String sourceIdOverride) {
        this.sourceIdOverride = sourceIdOverride == null || sourceIdOverride.isBlank() ? null : sourceIdOverride;
    }

    /** True when the value looks like a Debezium change envelope (has {@code op} and a {@code source} block). */
    public static boolean isEnvelope(Object value) {
        if (value instanceof Struct s) {
            return s.schema().field("op") != null && s.schema().field("source") != null && s.get("source") != null;
        }
        return value instanceof Map<?, ?> m && m.containsKey("op") && m.get("source") instanceof Map;
    }

    /**
     * The change event of a record, or null when the record is not a change envelope (a tombstone, a
     * heartbeat, a schema-change record).
     */
    public ChangeEvent read(ConnectRecord<?> record) {
        Object value = record.value();
        if (!isEnvelope(value)) {
            return null;
        }
        Map<String, Object> source;
        String op;
        Map<String, Object> before;
        Map<String, Object> after;
        TableSchema schema = null;
        String collection;
        if (value instanceof Struct s) {
            source = ConnectValues.row(s.getStruct("source"));
            op = s.getString("op");
            before = s.get("before") == null ? null : ConnectValues.row(s.getStruct("before"));
            after = s.get("after") == null ? null : ConnectValues.row(s.getStruct("after"));
            collection = collection(source, record.topic());
            Schema rowSchema = s.schema().field("after") != null ? s.schema().field("after").schema()
                    : s.schema().field("before") != null ? s.schema().field("before").schema() : null;
            if (rowSchema != null && rowSchema.type() == Schema.Type.STRUCT) {
                schema = tableSchema(collection, rowSchema, record.keySchema());
            }
        } else {
            Map<?, ?> m = (Map<?, ?>) value;
            source = ConnectValues.row((Map<?, ?>) m.get("source"));
            op = String.valueOf(m.get("op"));
            before = m.get("before") instanceof Map<?, ?> b ? ConnectValues.row(b) : null;
            after = m.get("after") instanceof Map<?, ?> a ? ConnectValues.row(a) : null;
            collection = collection(source, record.topic());
        }
        Map<String, Object> key = key(record.key());
        Operation operation = Operation.parse(op);
        String sourceId = sourceIdOverride != null ? sourceIdOverride : String.valueOf(source.get("name"));
        Object ts = source.get("ts_ms");
        Instant at = ts instanceof Number n ? Instant.ofEpochMilli(n.longValue())
                : record.timestamp() != null ? Instant.ofEpochMilli(record.timestamp()) : Instant.EPOCH;
        if (operation == Operation.DELETE) {
            if (before == null && key == null) {
                return null;
            }
            before = keyOnlyImage(before, key);
        }
        return ChangeEvent.builder(sourceId, collection, operation)
                .snapshot("r".equals(op))
                .key(key)
                .before(before)
                .after(after)
                .sourceTimestamp(at)
                .position(position(record, source))
                .schema(schema)
                .build();
    }

    /**
     * PostgreSQL with the default replica identity sends a delete's old row as the key columns and nulls
     * for the rest; those nulls are not values the row had, so the image is reduced to the key (as the
     * embedded source does), and checks skip the fields it does not carry.
     */
    private static Map<String, Object> keyOnlyImage(Map<String, Object> before, Map<String, Object> key) {
        if (before == null || key == null || key.isEmpty()) {
            return before;
        }
        for (Map.Entry<String, Object> e : before.entrySet()) {
            if (e.getValue() != null && !key.containsKey(e.getKey())) {
                return before;
            }
        }
        return null;
    }

    private static String collection(Map<String, Object> source, String topic) {
        Object table = source.get("table") != null ? source.get("table") : source.get("collection");
        Object ns = source.get("schema") != null ? source.get("schema") : source.get("db");
        if (table == null) {
            return topic;
        }
        return ns == null ? String.valueOf(table) : ns + "." + table;
    }

    private static Map<String, Object> key(Object key) {
        if (key instanceof Struct s) {
            return ConnectValues.row(s);
        }
        if (key instanceof Map<?, ?> m) {
            Object payload = m.get("payload");
            return payload instanceof Map<?, ?> p && m.containsKey("schema") ? ConnectValues.row(p) : ConnectValues.row(m);
        }
        return null;
    }

    private static Position position(ConnectRecord<?> record, Map<String, Object> source) {
        String topic = record.topic();
        Integer partition = record.kafkaPartition();
        long offset = -1;
        if (record instanceof SinkRecord sr) {
            topic = sr.originalTopic();
            partition = sr.originalKafkaPartition();
            offset = sr.originalKafkaOffset();
        }
        Map<String, Object> where = new LinkedHashMap<>();
        where.put("topic", topic);
        where.put("partition", partition == null ? -1L : partition.longValue());
        where.put("offset", offset);
        if (source.get("lsn") instanceof Number lsn) {
            where.put("lsn", lsn.longValue());
        }
        return new Position(List.of(offset), where);
    }

    /** The table's shape from the row schema; key columns from the key schema. Cached per schema object. */
    private TableSchema tableSchema(String collection, Schema rowSchema, Schema keySchema) {
        TableSchema cached = tableSchemas.get(rowSchema);
        if (cached != null && cached.collection().equals(collection)) {
            return cached;
        }
        List<TableSchema.Column> columns = new ArrayList<>(rowSchema.fields().size());
        for (Field f : rowSchema.fields()) {
            Map<String, String> p = f.schema().parameters() == null ? Map.of() : f.schema().parameters();
            Integer precision = intParam(p.get(SOURCE_LENGTH));
            Integer scale = intParam(p.get(SOURCE_SCALE));
            if (precision == null && p.containsKey("connect.decimal.precision")) {
                precision = intParam(p.get("connect.decimal.precision"));
            }
            if (scale == null && p.containsKey("scale")) {
                scale = intParam(p.get("scale"));
            }
            String sourceType = p.get(SOURCE_TYPE);
            columns.add(new TableSchema.Column(f.name(), ConnectValues.typeOf(f.schema()),
                    sourceType == null ? null : sourceType.toLowerCase(java.util.Locale.ROOT),
                    f.schema().isOptional(), null, precision, scale));
        }
        List<String> pk = new ArrayList<>();
        if (keySchema != null && keySchema.type() == Schema.Type.STRUCT) {
            keySchema.fields().forEach(f -> pk.add(f.name()));
        }
        TableSchema t = new TableSchema(collection, columns, pk);
        if (tableSchemas.size() > 1024) {
            tableSchemas.clear();
        }
        tableSchemas.put(rowSchema, t);
        return t;
    }

    private static Integer intParam(String v) {
        if (v == null) {
            return null;
        }
        try {
            return Integer.valueOf(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
