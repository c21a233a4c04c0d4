package io.etlcdc.cdc.mongodb;

import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.OperationType;
import com.mongodb.client.model.changestream.UpdateDescription;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.event.Position;
import org.bson.BsonBinaryWriter;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.codecs.EncoderContext;
import org.bson.io.BasicOutputBuffer;

import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Turns the change-stream documents the MongoDB driver reads ({@code ChangeStreamDocument<BsonDocument>}) into
 * {@link ChangeEvent}s, with the same values, keys and positions as the Debezium path ({@link MongoChangeMapper}):
 *
 * <ul>
 *   <li>insert → INSERT, update and replace → UPDATE, delete → DELETE; key {@code {"_id": value}};</li>
 *   <li>after: the full document (looked up for updates); when the document was gone by the lookup, {@code _id} plus
 *   the update's changed fields (removed ones as null); before: {@code fullDocumentBeforeChange} when the server
 *   delivered a pre-image, else null;</li>
 *   <li>drop → DDL {@code drop collection db.coll}, rename → DDL {@code rename db.a to db.b} (collection: the old
 *   name), dropDatabase → DDL {@code drop database db} (collection: the database name);</li>
 *   <li>invalidate and any other operation type → no event (the source handles invalidate by re-opening);</li>
 *   <li>position: the resume token's {@code _data} in upper-case hex as the stream key (so every change of a
 *   transaction has its own position), the offset {@code {sec, ord, resume_token}} in Debezium's format (cluster time
 *   seconds and increment, the token document as base64 BSON): offsets of the two engines are interchangeable.</li>
 * </ul>
 * Events the server sent without a namespace (mongo-java-server does so) are given the stream's own namespace when it
 * watches one collection or one database. Stateless.
 */
final class MongoStreamMapper {
    private MongoStreamMapper() {}

    /** Where the stream is opened: the collection ({@code db.coll}) or the database it watches, or nulls for the deployment. */
    record Watched(String database, String collection) {
        static Watched deployment() {
            return new Watched(null, null);
        }
    }

    /**
     * The change event, or null when the document carries none (invalidate, unknown operation types, data changes
     * without a namespace on a deployment-wide stream).
     *
     * @param positions gives the position of a streamed change from its stream key and offset
     */
    static ChangeEvent map(String sourceId, ChangeStreamDocument<BsonDocument> doc, Watched watched,
                           BiFunction<List<Object>, Map<String, Object>, Position> positions) {
        OperationType type = doc.getOperationType();
        if (type == null) {
            return null;
        }
        String database = doc.getNamespaceDocument() != null && doc.getNamespaceDocument().isString("db")
                ? doc.getNamespaceDocument().getString("db").getValue() : watched.database();
        String coll = doc.getNamespaceDocument() != null && doc.getNamespaceDocument().isString("coll")
                ? doc.getNamespaceDocument().getString("coll").getValue() : watched.collection();
        Operation operation;
        String ddl = null;
        String collection;
        switch (type) {
            case INSERT -> operation = Operation.INSERT;
            case UPDATE, REPLACE -> operation = Operation.UPDATE;
            case DELETE -> operation = Operation.DELETE;
            case DROP -> {
                operation = Operation.DDL;
                ddl = coll == null ? null : "drop collection " + database + "." + coll;
            }
            case RENAME -> {
                operation = Operation.DDL;
                BsonDocument to = doc.getDestinationNamespaceDocument();
                String target = to == null ? "?" : to.getString("db", new org.bson.BsonString("?")).getValue() + "."
                        + to.getString("coll", new org.bson.BsonString("?")).getValue();
                ddl = coll == null ? null : "rename " + database + "." + coll + " to " + target;
            }
            case DROP_DATABASE -> {
                operation = Operation.DDL;
                ddl = database == null ? null : "drop database " + database;
            }
            default -> {
                return null;
            }
        }
        if (database == null || (coll == null && type != OperationType.DROP_DATABASE)) {
            return null;
        }
        if (operation == Operation.DDL && ddl == null) {
            return null;
        }
        collection = type == OperationType.DROP_DATABASE ? database : database + "." + coll;
        Map<String, Object> offset = offset(doc.getResumeToken(), doc.getClusterTime());
        Position position = positions.apply(streamKey(doc.getResumeToken(), doc.getClusterTime()), offset);
        ChangeEvent.Builder b = ChangeEvent.builder(sourceId, collection, operation).position(position).sourceTimestamp(timestamp(doc));
        if (operation == Operation.DDL) {
            return b.ddl(ddl).build();
        }
        Map<String, Object> after = operation == Operation.DELETE || doc.getFullDocument() == null ? null
                : BsonValues.document(doc.getFullDocument());
        Map<String, Object> before = doc.getFullDocumentBeforeChange() == null ? null : BsonValues.document(doc.getFullDocumentBeforeChange());
        Object id = null;
        if (doc.getDocumentKey() != null && doc.getDocumentKey().containsKey("_id")) {
            id = BsonValues.toJava(doc.getDocumentKey().get("_id"));
        } else if (after != null && after.containsKey("_id")) {
            id = after.get("_id");
        } else if (before != null && before.containsKey("_id")) {
            id = before.get("_id");
        }
        Map<String, Object> key = null;
        if (id != null || (doc.getDocumentKey() != null && doc.getDocumentKey().containsKey("_id"))) {
            key = new LinkedHashMap<>(2);
            key.put("_id", id);
        }
        if (operation == Operation.UPDATE && after == null) {
            after = partialAfter(doc.getUpdateDescription(), key);
        }
        if (operation == Operation.INSERT && after == null) {
            return null;
        }
        if (operation == Operation.DELETE && key == null && before == null) {
            return null;
        }
        return b.key(key).before(before).after(after).build();
    }

    /** The update's changed fields when the full document could not be looked up (it was deleted meanwhile). */
    private static Map<String, Object> partialAfter(UpdateDescription d, Map<String, Object> key) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (key != null) {
            out.put("_id", key.get("_id"));
        }
        if (d != null) {
            if (d.getUpdatedFields() != null) {
                out.putAll(BsonValues.document(d.getUpdatedFields()));
            }
            if (d.getRemovedFields() != null) {
                d.getRemovedFields().forEach(f -> out.put(f, null));
            }
        }
        return out;
    }

    /** wallTime (MongoDB 6.0+, milliseconds) when present, else the cluster time's seconds. */
    static Instant timestamp(ChangeStreamDocument<?> doc) {
        if (doc.getWallTime() != null) {
            return Instant.ofEpochMilli(doc.getWallTime().getValue());
        }
        if (doc.getClusterTime() != null) {
            return Instant.ofEpochSecond(doc.getClusterTime().getTime());
        }
        return Instant.now();
    }

    /** The stream key: the token's {@code _data} (upper-case hex), or the cluster time in the same encoding. */
    static List<Object> streamKey(BsonDocument token, BsonTimestamp clusterTime) {
        String data = tokenData(token);
        if (data != null) {
            return List.of(data);
        }
        long sec = clusterTime == null ? 0 : clusterTime.getTime() & 0xFFFFFFFFL;
        long ord = clusterTime == null ? 0 : clusterTime.getInc() & 0xFFFFFFFFL;
        return List.of(String.format(Locale.ROOT, "82%08X%08X", sec, ord));
    }

    static String tokenData(BsonDocument token) {
        if (token == null) {
            return null;
        }
        BsonValue data = token.get("_data");
        if (data == null) {
            return null;
        }
        if (data.isString()) {
            return data.asString().getValue().toUpperCase(Locale.ROOT);
        }
        if (data.isBinary()) {
            return java.util.HexFormat.of().withUpperCase().formatHex(data.asBinary().getData());
        }
        return null;
    }

    /** Debezium's offset shape: {@code sec}, {@code ord} (cluster time) and {@code resume_token} (base64 BSON). */
    static Map<String, Object> offset(BsonDocument token, BsonTimestamp clusterTime) {
        Map<String, Object> offset = new LinkedHashMap<>();
        if (clusterTime != null) {
            offset.put("sec", (long) clusterTime.getTime());
            offset.put("ord", (long) clusterTime.getInc());
        }
        if (token != null) {
            offset.put("resume_token", encodeToken(token));
        }
        return offset;
    }

    /** Stateless, so shared: encoding runs once per change (the resume data of its position). */
    private static final BsonDocumentCodec TOKEN_CODEC = new BsonDocumentCodec();
    private static final EncoderContext ENCODE = EncoderContext.builder().build();

    static String encodeToken(BsonDocument token) {
        BasicOutputBuffer buffer = new BasicOutputBuffer();
        TOKEN_CODEC.encode(new BsonBinaryWriter(buffer), token, ENCODE);
        return Base64.getEncoder().encodeToString(buffer.toByteArray());
    }
}
