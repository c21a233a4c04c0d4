package io.etlcdc.cdc.debezium;

import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.event.Position;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns Debezium's change envelope ({@code op}, {@code before}, {@code after}, {@code source},
 * {@code ts_ms}) in Connect form into {@link ChangeEvent}s: operation, key, rows converted to the
 * product's Java types, the shared {@link io.etlcdc.core.event.TableSchema} per table version,
 * unchanged (unavailable) columns, the source's commit time and a unique position.
 *
 * <p>Columns holding Debezium's unavailable-value placeholder (PostgreSQL TOAST values an UPDATE did
 * not touch) are never delivered as values: they are left out of {@code after} and named in
 * {@code unchangedFields}, and left out of {@code before}.
 *
 * <p>Not thread-safe: one per source, used on the engine's consumer thread.
 */
public final class ChangeEventMapper {
    /** Debezium's default for {@code unavailable.value.placeholder}. */
    public static final String DEFAULT_PLACEHOLDER = "__debezium_unavailable_value";
    private static final int MAX_CACHED_SHAPES = 4096;

    private final String sourceId;
    private final DebeziumDialect dialect;
    private final PositionTracker positions;
    private final String placeholder;
    private final Map<Schema, RowShape> rowShapes = new IdentityHashMap<>();
    private final Map<Schema, RowShape> keyShapes = new IdentityHashMap<>();
    private Instant lastDroppedTimestamp;

    public ChangeEventMapper(String sourceId, DebeziumDialect dialect, PositionTracker positions, String placeholder) {
        this.sourceId = sourceId;
        this.dialect = dialect;
        this.positions = positions;
        this.placeholder = placeholder;
    }

    /** True for Debezium heartbeat records (and tombstones, which carry nothing). */
    public static boolean isHeartbeat(SourceRecord record) {
        if (record.value() == null) {
            return true;
        }
        Schema s = record.valueSchema();
        return s != null && s.name() != null && s.name().endsWith(".Heartbeat")
                || record.topic() != null && record.topic().startsWith("__debezium-heartbeat");
    }

    /** True when the record is a change envelope (has an {@code op} field). */
    public static boolean isEnvelope(SourceRecord record) {
        Schema s = record.valueSchema();
        return s != null && s.type() == Schema.Type.STRUCT && s.field("op") != null && s.field("source") != null;
    }

    /**
     * Maps one change envelope; null when the record carries no row change the product knows (for
     * instance a logical decoding message), or the dialect dropped it.
     */
    public ChangeEvent map(SourceRecord record) {
        Struct value = (Struct) record.value();
        String op = value.getString("op");
        Operation operation;
        boolean snapshot = false;
        switch (op) {
            case "c" -> operation = Operation.INSERT;
            case "r" -> {
                operation = Operation.INSERT;
                snapshot = true;
            }
            case "u" -> operation = Operation.UPDATE;
            case "d" -> operation = Operation.DELETE;
            case "t" -> operation = Operation.TRUNCATE;
            default -> {
                return null;
            }
        }
        Struct source = value.getStruct("source");
        String collection = dialect.collection(source, record.topic());
        Map<String, ?> offset = record.sourceOffset();
        Position position = snapshot ? positions.snapshot(offset) : positions.stream(dialect.streamKey(offset, source), offset);

        Schema envelope = value.schema();
        Schema rowSchema = rowSchema(envelope);
        Map<String, Object> key = null;
        if (record.key() instanceof Struct keyStruct) {
            key = keyShape(collection, keyStruct.schema()).convert(keyStruct, null);
        }
        RowShape shape = rowSchema == null ? null : rowShape(collection, rowSchema, record.keySchema());
        Map<String, Object> before = null;
        Map<String, Object> after = null;
        Set<String> unchanged = null;
        if (shape != null && operation != Operation.TRUNCATE) {
            Struct b = value.getStruct("before");
            Struct a = value.getStruct("after");
            if (b != null) {
                before = shape.convert(b, null);
            }
            if (a != null) {
                if (shape.hasPlaceholder(a)) {
                    unchanged = new HashSet<>();
                }
                after = shape.convert(a, unchanged);
            }
        }
        ChangeEvent event = ChangeEvent.builder(sourceId, collection, operation)
                .snapshot(snapshot)
                .key(key)
                .before(before)
                .after(after)
                .unchangedFields(unchanged)
                .sourceTimestamp(timestamp(source, value))
                .position(position)
                .schema(shape == null ? null : shape.tableSchema())
                .build();
        ChangeEvent adapted = dialect.adapt(event, record);
        if (adapted == null) {
            lastDroppedTimestamp = event.sourceTimestamp();
        }
        return adapted;
    }

    /** The commit time of the last record the dialect dropped (heartbeat-table writes): keeps lag true while idle. */
    public Instant lastDroppedTimestamp() {
        return lastDroppedTimestamp;
    }

    /** The position tracker this mapper numbers events with. */
    public PositionTracker positions() {
        return positions;
    }

    private static Schema rowSchema(Schema envelope) {
        Field after = envelope.field("after");
        if (after != null) {
            return after.schema();
        }
        Field before = envelope.field("before");
        return before == null ? null : before.schema();
    }

    private RowShape rowShape(String collection, Schema rowSchema, Schema keySchema) {
        RowShape shape = rowShapes.get(rowSchema);
        if (shape == null) {
            if (rowShapes.size() >= MAX_CACHED_SHAPES) {
                rowShapes.clear();
            }
            List<String> pk = new ArrayList<>();
            if (keySchema != null && keySchema.type() == Schema.Type.STRUCT) {
                keySchema.fields().forEach(f -> pk.add(f.name()));
            }
            shape = new RowShape(collection, rowSchema, pk, placeholder);
            rowShapes.put(rowSchema, shape);
        }
        return shape;
    }

    private RowShape keyShape(String collection, Schema keySchema) {
        RowShape shape = keyShapes.get(keySchema);
        if (shape == null) {
            if (keyShapes.size() >= MAX_CACHED_SHAPES) {
                keyShapes.clear();
            }
            shape = new RowShape(collection, keySchema, List.of(), null);
            keyShapes.put(keySchema, shape);
        }
        return shape;
    }

    /** When the database committed the change ({@code source.ts_ms}), else when Debezium saw it. */
    static Instant timestamp(Struct source, Struct envelope) {
        if (source != null && source.schema().field("ts_ms") != null) {
            Long ts = source.getInt64("ts_ms");
            if (ts != null && ts > 0) {
                return Instant.ofEpochMilli(ts);
            }
        }
        if (envelope.schema().field("ts_ms") != null) {
            Long ts = envelope.getInt64("ts_ms");
            if (ts != null) {
                return Instant.ofEpochMilli(ts);
            }
        }
        return Instant.now();
    }
}
