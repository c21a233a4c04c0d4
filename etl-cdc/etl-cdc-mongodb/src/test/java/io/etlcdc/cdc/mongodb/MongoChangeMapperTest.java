package io.etlcdc.cdc.mongodb;

import io.debezium.connector.mongodb.MongoDbSchema;
import io.debezium.connector.mongodb.ResumeTokens;
import io.debezium.data.Json;
import io.etlcdc.cdc.debezium.DebeziumDialect;
import io.etlcdc.cdc.debezium.PositionTracker;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.event.Position;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.etlcdc.core.testing.ChangeEventAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mapping of Debezium MongoDB change events, built by hand in the shapes Debezium documents for a real
 * replica set (key {@code {"id": <_id as JSON>}}, documents as extended JSON, the source block with db,
 * collection, ord, lsid, txnNumber, resume tokens in the offset).
 */
class MongoChangeMapperTest {
    private static final Schema KEY = SchemaBuilder.struct().name("mongo_main.shop.orders.Key").field("id", Schema.STRING_SCHEMA).build();
    private static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.mongo.Source")
            .field("version", Schema.STRING_SCHEMA).field("connector", Schema.STRING_SCHEMA).field("name", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA).field("snapshot", SchemaBuilder.string().optional().defaultValue("false").build())
            .field("db", Schema.STRING_SCHEMA).field("sequence", Schema.OPTIONAL_STRING_SCHEMA)
            .field("collection", Schema.STRING_SCHEMA).field("ord", Schema.INT32_SCHEMA)
            .field("lsid", Schema.OPTIONAL_STRING_SCHEMA).field("txnNumber", Schema.OPTIONAL_INT64_SCHEMA)
            .field("wallTime", Schema.OPTIONAL_INT64_SCHEMA).build();
    private static final Schema VALUE = SchemaBuilder.struct().name("mongo_main.shop.orders.Envelope")
            .field("before", Json.builder().optional().build())
            .field("after", Json.builder().optional().build())
            .field("updateDescription", MongoDbSchema.UPDATED_DESCRIPTION_SCHEMA)
            .field("source", SOURCE)
            .field("op", Schema.OPTIONAL_STRING_SCHEMA)
            .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();
    private static final String OID = "{\"$oid\": \"65a1f2b3c4d5e6f708192a3b\"}";

    private final PositionTracker tracker = new PositionTracker(null);
    private final DebeziumDialect.RecordContext context = new DebeziumDialect.RecordContext() {
        @Override
        public String sourceId() {
            return "mongo_main";
        }

        @Override
        public Position streamPosition(List<Object> streamKey, Map<String, ?> offset) {
            return tracker.stream(streamKey, offset);
        }

        @Override
        public Position snapshotPosition(Map<String, ?> offset) {
            return tracker.snapshot(offset);
        }
    };

    private static SourceRecord record(String op, String id, String before, String after, Struct updateDescription, String snapshot,
                                       String tokenData, int sec, int ord, String lsid, Long txn) {
        Struct source = new Struct(SOURCE).put("version", "3.6.1.Final").put("connector", "mongodb").put("name", "mongo_main")
                .put("ts_ms", sec * 1000L).put("snapshot", snapshot).put("db", "shop").put("collection", "orders").put("ord", ord)
                .put("lsid", lsid).put("txnNumber", txn).put("wallTime", sec * 1000L + 5);
        Struct value = new Struct(VALUE).put("before", before).put("after", after).put("updateDescription", updateDescription)
                .put("source", source).put("op", op).put("ts_ms", sec * 1000L + 20);
        Map<String, Object> offset = new HashMap<>();
        offset.put("sec", sec);
        offset.put("ord", ord);
        if (tokenData != null) {
            offset.put("resume_token", ResumeTokens.toBase64(new BsonDocument("_data", new BsonString(tokenData))));
        }
        if ("true".equals(snapshot)) {
            offset.put("initsync", true);
        }
        return new SourceRecord(Map.of("server_id", "mongo_main"), offset, "mongo_main.shop.orders", null, KEY,
                new Struct(KEY).put("id", id), VALUE, value);
    }

    private static String token(int sec, int txnOpIndex) {
        return String.format("82%08X%08X2B0229296E04%02X", sec, 1, txnOpIndex);
    }

    @Test
    void anInsertCarriesTheKeyAndTheFullDocumentInJavaTypes() {
        String doc = "{\"_id\": " + OID + ", \"name\": \"Ann\", \"qty\": 3, \"big\": {\"$numberLong\": \"9007199254740993\"}, "
                + "\"price\": {\"$numberDecimal\": \"9.99\"}, \"at\": {\"$date\": 1700000000000}, \"ok\": true, \"note\": null, "
                + "\"tags\": [\"a\", \"b\"], \"addr\": {\"city\": \"Oslo\", \"zip\": 150}, \"ratio\": 0.5}";
        ChangeEvent e = MongoChangeMapper.map(record("c", OID, null, doc, null, "false", token(1700000000, 0), 1700000000, 1, null, null), context);
        assertThat(e).hasOperation(Operation.INSERT).hasCollection("shop.orders").isSnapshot(false)
                .hasKey(Map.of("_id", "65a1f2b3c4d5e6f708192a3b")).hasNoBefore()
                .hasAfterField("_id", "65a1f2b3c4d5e6f708192a3b").hasAfterField("name", "Ann").hasAfterField("qty", 3)
                .hasAfterField("big", 9007199254740993L).hasAfterField("price", new BigDecimal("9.99"))
                .hasAfterField("at", Instant.ofEpochMilli(1700000000000L)).hasAfterField("ok", true).hasAfterField("note", null)
                .hasAfterField("tags", List.of("a", "b")).hasAfterField("addr", Map.of("city", "Oslo", "zip", 150))
                .hasAfterField("ratio", 0.5);
        assertThat(e.sourceTimestamp()).isEqualTo(Instant.ofEpochSecond(1700000000));
        assertThat(e.position().sortKey()).containsExactly(0L, 1L, token(1700000000, 0), 0L);
    }

    @Test
    void anUpdateAndAReplaceCarryTheDocumentAfterTheChange() {
        Struct description = new Struct(MongoDbSchema.UPDATED_DESCRIPTION_SCHEMA)
                .put("updatedFields", "{\"qty\": 4}").put("removedFields", List.of("note"));
        ChangeEvent update = MongoChangeMapper.map(record("u", "42", null, "{\"_id\": 42, \"name\": \"Ann\", \"qty\": 4}", description,
                "false", token(1700000001, 0), 1700000001, 1, null, null), context);
        assertThat(update).hasOperation(Operation.UPDATE).hasKey(Map.of("_id", 42)).hasAfterField("qty", 4).hasAfterField("name", "Ann")
                .hasNoBefore();
        // a replace comes as 'u' without an update description
        ChangeEvent replace = MongoChangeMapper.map(record("u", "42", null, "{\"_id\": 42, \"name\": \"Bob\"}", null,
                "false", token(1700000002, 0), 1700000002, 1, null, null), context);
        assertThat(replace).hasOperation(Operation.UPDATE).hasKey(Map.of("_id", 42)).hasAfterField("name", "Bob");
        assertThat(replace.after()).doesNotContainKey("qty");
        assertThat(replace).hasPositionAfter(update.position());
    }

    @Test
    void anUpdateWhoseDocumentWasGoneByLookupCarriesItsChangedFields() {
        Struct description = new Struct(MongoDbSchema.UPDATED_DESCRIPTION_SCHEMA)
                .put("updatedFields", "{\"qty\": 5, \"addr.city\": \"Rome\"}").put("removedFields", List.of("note"));
        ChangeEvent e = MongoChangeMapper.map(record("u", "\"k1\"", null, null, description, "false", token(1700000003, 0),
                1700000003, 1, null, null), context);
        assertThat(e).hasOperation(Operation.UPDATE).hasKey(Map.of("_id", "k1")).hasAfterField("_id", "k1").hasAfterField("qty", 5)
                .hasAfterField("addr.city", "Rome").hasAfterField("note", null);
    }

    @Test
    void aDeleteCarriesTheKeyAndWithPreImagesTheDocumentBefore() {
        ChangeEvent plain = MongoChangeMapper.map(record("d", OID, null, null, null, "false", token(1700000004, 0), 1700000004, 1, null, null),
                context);
        assertThat(plain).hasOperation(Operation.DELETE).hasKey(Map.of("_id", "65a1f2b3c4d5e6f708192a3b")).hasNoBefore();
        assertThat(plain.after()).isNull();
        ChangeEvent withImage = MongoChangeMapper.map(record("d", "7", "{\"_id\": 7, \"name\": \"gone\"}", null, null, "false",
                token(1700000005, 0), 1700000005, 1, null, null), context);
        assertThat(withImage).hasOperation(Operation.DELETE).hasKey(Map.of("_id", 7)).hasBeforeField("name", "gone");
    }

    @Test
    void snapshotReadsAreInsertsMarkedAsSnapshotAndSortBeforeTheStream() {
        ChangeEvent read = MongoChangeMapper.map(record("r", "1", null, "{\"_id\": 1, \"v\": \"x\"}", null, "true", null, 1700000000, 0,
                null, null), context);
        ChangeEvent streamed = MongoChangeMapper.map(record("c", "2", null, "{\"_id\": 2}", null, "false", token(1700000006, 0),
                1700000006, 1, null, null), context);
        assertThat(read).hasOperation(Operation.INSERT).isSnapshot(true).hasKey(Map.of("_id", 1)).hasAfterField("v", "x");
        assertThat(streamed).isSnapshot(false).hasPositionAfter(read.position());
    }

    @Test
    void changesOfOneTransactionShareTheClusterTimeButGetDistinctIncreasingPositions() {
        ChangeEvent first = MongoChangeMapper.map(record("c", "1", null, "{\"_id\": 1}", null, "false", token(1700000010, 0),
                1700000010, 3, "lsid-1", 5L), context);
        ChangeEvent second = MongoChangeMapper.map(record("c", "2", null, "{\"_id\": 2}", null, "false", token(1700000010, 1),
                1700000010, 3, "lsid-1", 5L), context);
        assertThat(second.position()).isGreaterThan(first.position());
        // after a restart from the first one's offset, the second comes again first but keeps its own position
        PositionTracker restarted = new PositionTracker(first.position());
        Position again = restarted.stream(MongoChangeMapper.streamKey(second.position().offset()), second.position().offset());
        assertThat(again).isEqualTo(second.position());
    }

    @Test
    void recordsThatAreNotChangesMapToNothing() {
        assertThat(MongoChangeMapper.map(record("t", "1", null, null, null, "false", token(1700000020, 0), 1700000020, 1, null, null),
                context)).isNull();
        assertThat(MongoChangeMapper.map(new SourceRecord(Map.of(), Map.of(), "t", Schema.STRING_SCHEMA, "x"), context)).isNull();
    }

    @Test
    void theStreamKeyIsTheResumeTokenOrTheClusterTimeInTheSameEncoding() {
        String data = token(1700000030, 2);
        assertThat(MongoChangeMapper.streamKey(Map.of("resume_token", ResumeTokens.toBase64(new BsonDocument("_data", new BsonString(data.toLowerCase()))))))
                .containsExactly(data);
        assertThat(MongoChangeMapper.streamKey(Map.of("sec", 1700000030, "ord", 1)))
                .containsExactly(String.format("82%08X%08X", 1700000030, 1));
        assertThat((String) MongoChangeMapper.streamKey(Map.of("sec", 1700000030, "ord", 1)).get(0))
                .isLessThan(data);
    }
}
