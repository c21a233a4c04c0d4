package io.etlcdc.cdc.mongodb;

import io.etlcdc.cdc.debezium.DebeziumDialect;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.event.Position;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.bson.BsonBinaryReader;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.codecs.DecoderContext;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the change events of Debezium's MongoDB connector into {@link ChangeEvent}s. Debezium hands change
 * streams' insert as {@code c}, update and replace as {@code u} (with the full document looked up after the
 * change), delete as {@code d}, snapshot reads as {@code r}; documents are extended-JSON strings, the key is
 * {@code {"id": <_id as JSON>}}.
 *
 * <ul>
 *   <li>collection: {@code db.collection} from the source block;</li>
 *   <li>key: {@code {"_id": value}};</li>
 *   <li>after: the full document (INSERT, UPDATE); when the document was gone by the time the update was looked up,
 *   the update's changed fields (removed ones as null) with {@code _id};</li>
 *   <li>before: the document before the change when pre-images are on, else null;</li>
 *   <li>position: the change's resume token ({@code _data}, hex) as the stream key, so that every event of a
 *   transaction (which share one cluster time) has its own position.</li>
 * </ul>
 * Stateless apart from the positions the context hands out; used on the engine thread.
 */
final class MongoChangeMapper {
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private MongoChangeMapper() {}

    /** The change event, or null for records that carry none (unknown operations, non-envelopes). */
    static ChangeEvent map(SourceRecord record, DebeziumDialect.RecordContext context) {
        Schema schema = record.valueSchema();
        if (!(record.value() instanceof Struct value) || schema == null || schema.field("op") == null || schema.field("source") == null) {
            return null;
        }
        String op = value.getString("op");
        if (op == null) {
            return null;
        }
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
            default -> {
                return null;
            }
        }
        Struct source = value.getStruct("source");
        String collection = source.getString("db") + "." + source.getString("collection");
        Map<String, Object> key = null;
        if (record.key() instanceof Struct k && k.schema().field("id") != null && k.getString("id") != null) {
            key = new LinkedHashMap<>(2);
            key.put("_id", BsonValues.id(k.getString("id")));
        }
        Map<String, Object> before = BsonValues.document(stringField(value, "before"));
        Map<String, Object> after = operation == Operation.DELETE ? null : BsonValues.document(stringField(value, "after"));
        if (operation == Operation.UPDATE && after == null) {
            after = partialAfter(value, key);
        }
        if (key == null) {
            Map<String, Object> row = after != null ? after : before;
            if (row != null && row.containsKey("_id")) {
                key = new LinkedHashMap<>(2);
                key.put("_id", row.get("_id"));
            }
        }
        Map<String, ?> offset = record.sourceOffset();
        Position position = snapshot ? context.snapshotPosition(offset) : context.streamPosition(streamKey(offset), offset);
        return ChangeEvent.builder(context.sourceId(), collection, operation)
                .snapshot(snapshot)
                .key(key)
                .before(before)
                .after(after)
                .sourceTimestamp(timestamp(source, value))
                .position(position)
                .build();
    }

    /** The update's changed fields when the full document could not be looked up (it was deleted meanwhile). */
    private static Map<String, Object> partialAfter(Struct value, Map<String, Object> key) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (key != null) {
            out.put("_id", key.get("_id"));
        }
        if (value.schema().field("updateDescription") != null && value.getStruct("updateDescription") != null) {
            Struct d = value.getStruct("updateDescription");
            String updated = stringField(d, "updatedFields");
            if (updated != null) {
                out.putAll(BsonValues.document(updated));
            }
            if (d.schema().field("removedFields") != null && d.getArray("removedFields") != null) {
                for (Object removed : d.getArray("removedFields")) {
                    out.put(String.valueOf(removed), null);
                }
            }
        }
        return out;
    }

    /**
     * The order of a streamed change: its resume token's {@code _data} in upper-case hex (MongoDB's KeyString
     * encoding, which sorts byte-wise by cluster time, then the position within a transaction). Without a
     * token (never for real change events) the cluster time in the same encoding.
     */
    static List<Object> streamKey(Map<String, ?> offset) {
        Object token = offset.get("resume_token");
        if (token instanceof String base64 && !base64.isEmpty()) {
            String data = tokenData(base64);
            if (data != null) {
                return List.of(data);
            }
        }
        long sec = number(offset.get("sec"));
        long ord = number(offset.get("ord"));
        return List.of(String.format(Locale.ROOT, "82%08X%08X", sec, ord));
    }

    /** The {@code _data} of a resume token stored by Debezium (base64 of the token document), upper-case hex. */
    static String tokenData(String base64) {
        try {
            BsonDocument doc = new BsonDocumentCodec().decode(new BsonBinaryReader(ByteBuffer.wrap(Base64.getDecoder().decode(base64))),
                    DecoderContext.builder().build());
            BsonValue data = doc.get("_data");
            if (data == null) {
                return null;
            }
            if (data.isString()) {
                return data.asString().getValue().toUpperCase(Locale.ROOT);
            }
            if (data.isBinary()) {
                return HEX.formatHex(data.asBinary().getData());
            }
            return null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static long number(Object v) {
        return v instanceof Number n ? n.longValue() & 0xFFFFFFFFL : 0L;
    }

    private static String stringField(Struct s, String name) {
        return s.schema().field(name) == null ? null : s.getString(name);
    }

    private static Instant timestamp(Struct source, Struct envelope) {
        if (source.schema().field("ts_ms") != null && source.getInt64("ts_ms") != null && source.getInt64("ts_ms") > 0) {
            return Instant.ofEpochMilli(source.getInt64("ts_ms"));
        }
        if (envelope.schema().field("ts_ms") != null && envelope.getInt64("ts_ms") != null) {
            return Instant.ofEpochMilli(envelope.getInt64("ts_ms"));
        }
        return Instant.now();
    }
}
