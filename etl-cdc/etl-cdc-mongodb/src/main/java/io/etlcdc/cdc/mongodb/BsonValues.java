package io.etlcdc.cdc.mongodb;

import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.UuidRepresentation;
import org.bson.types.Decimal128;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BSON values as the product's Java types ({@link io.etlcdc.core.event.ColumnType}): documents as maps,
 * arrays as lists, ObjectId as its hex string, dates as {@link Instant}, Decimal128 as {@link java.math.BigDecimal},
 * 32/64-bit integers as Integer/Long, UUID binaries as their text, other binaries as bytes. Stateless.
 */
final class BsonValues {
    private BsonValues() {}

    /** A document (Debezium's JSON in strict/relaxed extended form) as a map of Java values. */
    static Map<String, Object> document(String json) {
        return json == null ? null : document(BsonDocument.parse(json));
    }

    static Map<String, Object> document(BsonDocument doc) {
        Map<String, Object> out = new LinkedHashMap<>(Math.max(4, doc.size() * 2));
        doc.forEach((k, v) -> out.put(k, toJava(v)));
        return out;
    }

    /** One value of {@code _id} (Debezium's key holds it as relaxed extended JSON). */
    static Object id(String json) {
        return json == null ? null : toJava(BsonDocument.parse("{\"_id\": " + json + "}").get("_id"));
    }

    static Object toJava(BsonValue v) {
        if (v == null) {
            return null;
        }
        return switch (v.getBsonType()) {
            case DOCUMENT -> document(v.asDocument());
            case ARRAY -> {
                List<Object> list = new ArrayList<>(v.asArray().size());
                v.asArray().forEach(e -> list.add(toJava(e)));
                yield list;
            }
            case DOUBLE -> v.asDouble().getValue();
            case STRING -> v.asString().getValue();
            case INT32 -> v.asInt32().getValue();
            case INT64 -> v.asInt64().getValue();
            case DECIMAL128 -> {
                Decimal128 d = v.asDecimal128().getValue();
                yield d.isNaN() || d.isInfinite() ? d.toString() : d.bigDecimalValue();
            }
            case BOOLEAN -> v.asBoolean().getValue();
            case OBJECT_ID -> v.asObjectId().getValue().toHexString();
            case DATE_TIME -> Instant.ofEpochMilli(v.asDateTime().getValue());
            case TIMESTAMP -> Instant.ofEpochSecond(v.asTimestamp().getTime());
            case BINARY -> binary(v.asBinary());
            case REGULAR_EXPRESSION -> "/" + v.asRegularExpression().getPattern() + "/" + v.asRegularExpression().getOptions();
            case JAVASCRIPT -> v.asJavaScript().getCode();
            case JAVASCRIPT_WITH_SCOPE -> v.asJavaScriptWithScope().getCode();
            case SYMBOL -> v.asSymbol().getSymbol();
            case DB_POINTER -> v.asDBPointer().getNamespace() + "/" + v.asDBPointer().getId().toHexString();
            case MIN_KEY -> "MinKey";
            case MAX_KEY -> "MaxKey";
            case NULL, UNDEFINED, END_OF_DOCUMENT -> null;
        };
    }

    private static Object binary(BsonBinary b) {
        if (b.getType() == BsonBinarySubType.UUID_STANDARD.getValue()) {
            return b.asUuid(UuidRepresentation.STANDARD).toString();
        }
        if (b.getType() == BsonBinarySubType.UUID_LEGACY.getValue()) {
            return b.asUuid(UuidRepresentation.JAVA_LEGACY).toString();
        }
        return b.getData();
    }
}
