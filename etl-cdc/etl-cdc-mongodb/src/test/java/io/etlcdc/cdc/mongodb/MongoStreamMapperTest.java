package io.etlcdc.cdc.mongodb;

import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.UpdateDescription;
import io.debezium.connector.mongodb.ResumeTokens;
import io.etlcdc.cdc.debezium.PositionTracker;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.etlcdc.core.testing.ChangeEventAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mapping of change-stream documents as the MongoDB driver decodes them, built by hand in the shapes MongoDB
 * documents for a replica set (namespace, documentKey, resume token {@code _data}, cluster time, wallTime on 6.0+).
 */
class MongoStreamMapperTest {
    private static final MongoStreamMapper.Watched SHOP = new MongoStreamMapper.Watched("shop", null);
    private final PositionTracker tracker = new PositionTracker(null);

    private static String token(int sec, int txnOpIndex) {
        return String.format("82%08X%08X2B0229296E04%02X", sec, 1, txnOpIndex);
    }

    private static ChangeStreamDocument<BsonDocument> doc(String op, String ns, String to, String fullDocument, String before,
                                                          String documentKey, UpdateDescription update, int sec, int txnOpIndex, Long wallMillis) {
        BsonDocument nsDoc = ns == null ? null : !ns.contains(".") ? new BsonDocument("db", new BsonString(ns))
                : new BsonDocument("db", new BsonString(ns.substring(0, ns.indexOf('.')))).append("coll", new BsonString(ns.substring(ns.indexOf('.') + 1)));
        BsonDocument toDoc = to == null ? null : new BsonDocument("db", new BsonString(to.substring(0, to.indexOf('.'))))
                .append("coll", new BsonString(to.substring(to.indexOf('.') + 1)));
        return new ChangeStreamDocument<>(op, new BsonDocument("_data", new BsonString(token(sec, txnOpIndex).toLowerCase())), nsDoc, null, toDoc,
                fullDocument == null ? null : BsonDocument.parse(fullDocument), before == null ? null : BsonDocument.parse(before),
                documentKey == null ? null : BsonDocument.parse(documentKey), new BsonTimestamp(sec, 1), update, null, null,
                wallMillis == null ? null : new BsonDateTime(wallMillis), null, null);
    }

    private ChangeEvent map(ChangeStreamDocument<BsonDocument> d) {
        return MongoStreamMapper.map("mongo_main", d, SHOP, tracker::stream);
    }

    @Test
    void anInsertCarriesTheKeyAndTheFullDocumentInTheSameJavaTypesAsTheDebeziumPath() {
        String oid = "{\"$oid\": \"65a1f2b3c4d5e6f708192a3b\"}";
        String full = "{\"_id\": " + oid + ", \"name\": \"Ann\", \"qty\": 3, \"big\": {\"$numberLong\": \"9007199254740993\"}, "
                + "\"price\": {\"$numberDecimal\": \"9.99\"}, \"at\": {\"$date\": 1700000000000}, \"ok\": true, \"note\": null, "
                + "\"tags\": [\"a\", \"b\"], \"addr\": {\"city\": \"Oslo\", \"zip\": 150}, \"ratio\": 0.5}";
        ChangeEvent e = map(doc("insert", "shop.orders", null, full, null, "{\"_id\": " + oid + "}", null, 1700000000, 0, 1700000000123L));
        assertThat(e).hasOperation(Operation.INSERT).hasCollection("shop.orders").isSnapshot(false)
                .hasKey(Map.of("_id", "65a1f2b3c4d5e6f708192a3b")).hasNoBefore()
                .hasAfterField("name", "Ann").hasAfterField("qty", 3).hasAfterField("big", 9007199254740993L)
                .hasAfterField("price", new BigDecimal("9.99")).hasAfterField("at", Instant.ofEpochMilli(1700000000000L))
                .hasAfterField("ok", true).hasAfterField("note", null).hasAfterField("tags", List.of("a", "b"))
                .hasAfterField("addr", Map.of("city", "Oslo", "zip", 150)).hasAfterField("ratio", 0.5);
        assertThat(e.sourceTimestamp()).isEqualTo(Instant.ofEpochMilli(1700000000123L));
        assertThat(e.position().sortKey()).containsExactly(0L, 1L, token(1700000000, 0), 0L);
    }

    @Test
    void theOffsetHasDebeziumsShapeSoThatTheEnginesCanTakeOverEachOthersPosition() {
        ChangeEvent e = map(doc("insert", "shop.orders", null, "{\"_id\": 1}", null, "{\"_id\": 1}", null, 1700000001, 2, null));
        BsonDocument token = new BsonDocument("_data", new BsonString(token(1700000001, 2).toLowerCase()));
        assertThat(e.position().offset()).containsEntry("sec", 1700000001L).containsEntry("ord", 1L)
                .containsEntry("resume_token", ResumeTokens.toBase64(token));
        assertThat(MongoDialect.decodeToken((String) e.position().offset().get("resume_token"))).isEqualTo(token);
        // the Debezium path computes the same stream key from that offset
        assertThat(MongoChangeMapper.streamKey(e.position().offset())).containsExactly(token(1700000001, 2));
        assertThat(e.sourceTimestamp()).isEqualTo(Instant.ofEpochSecond(1700000001));
    }

    @Test
    void updatesAndReplacesCarryTheLookedUpDocumentAndThePreImageWhenTheServerSentOne() {
        UpdateDescription upd = new UpdateDescription(List.of("note"), BsonDocument.parse("{\"qty\": 4}"));
        ChangeEvent update = map(doc("update", "shop.orders", null, "{\"_id\": 42, \"name\": \"Ann\", \"qty\": 4}",
                "{\"_id\": 42, \"name\": \"Ann\", \"qty\": 3, \"note\": \"x\"}", "{\"_id\": 42}", upd, 1700000002, 0, null));
        assertThat(update).hasOperation(Operation.UPDATE).hasKey(Map.of("_id", 42)).hasAfterField("qty", 4)
                .hasBeforeField("qty", 3).hasBeforeField("note", "x");
        ChangeEvent replace = map(doc("replace", "shop.orders", null, "{\"_id\": 42, \"name\": \"Bob\"}", null, "{\"_id\": 42}", null,
                1700000003, 0, null));
        assertThat(replace).hasOperation(Operation.UPDATE).hasKey(Map.of("_id", 42)).hasAfterField("name", "Bob").hasNoBefore();
        assertThat(replace.after()).doesNotContainKey("qty");
        assertThat(replace).hasPositionAfter(update.position());
    }

    @Test
    void anUpdateWhoseDocumentWasGoneByLookupCarriesItsChangedFields() {
        UpdateDescription upd = new UpdateDescription(List.of("note"), BsonDocument.parse("{\"qty\": 5, \"addr.city\": \"Rome\"}"));
        ChangeEvent e = map(doc("update", "shop.orders", null, null, null, "{\"_id\": \"k1\"}", upd, 1700000004, 0, null));
        assertThat(e).hasOperation(Operation.UPDATE).hasKey(Map.of("_id", "k1")).hasAfterField("_id", "k1").hasAfterField("qty", 5)
                .hasAfterField("addr.city", "Rome").hasAfterField("note", null);
    }

    @Test
    void aDeleteCarriesTheKeyAndWithAPreImageTheDocumentBefore() {
        ChangeEvent plain = map(doc("delete", "shop.orders", null, null, null, "{\"_id\": 7, \"region\": \"eu\"}", null, 1700000005, 0, null));
        assertThat(plain).hasOperation(Operation.DELETE).hasKey(Map.of("_id", 7)).hasNoBefore();
        assertThat(plain.after()).isNull();
        ChangeEvent withImage = map(doc("delete", "shop.orders", null, null, "{\"_id\": 8, \"name\": \"gone\"}", "{\"_id\": 8}", null,
                1700000006, 0, null));
        assertThat(withImage).hasOperation(Operation.DELETE).hasKey(Map.of("_id", 8)).hasBeforeField("name", "gone");
    }

    @Test
    void dropRenameAndDropDatabaseAreDdlEventsNamingTheCollections() {
        ChangeEvent drop = map(doc("drop", "shop.orders", null, null, null, null, null, 1700000010, 0, null));
        assertThat(drop).hasOperation(Operation.DDL).hasCollection("shop.orders");
        assertThat(drop.ddl()).isEqualTo("drop collection shop.orders");
        assertThat(drop.key()).isNull();
        ChangeEvent rename = map(doc("rename", "shop.orders_tmp", "shop.orders", null, null, null, null, 1700000011, 0, null));
        assertThat(rename).hasOperation(Operation.DDL).hasCollection("shop.orders_tmp");
        assertThat(rename.ddl()).isEqualTo("rename shop.orders_tmp to shop.orders");
        ChangeEvent dropDb = map(doc("dropDatabase", "shop", null, null, null, null, null, 1700000012, 0, null));
        assertThat(dropDb).hasOperation(Operation.DDL).hasCollection("shop");
        assertThat(dropDb.ddl()).isEqualTo("drop database shop");
        assertThat(rename).hasPositionAfter(drop.position());
        assertThat(dropDb).hasPositionAfter(rename.position());
    }

    @Test
    void invalidateAndUnknownOperationTypesMapToNothing() {
        assertThat(map(doc("invalidate", null, null, null, null, null, null, 1700000020, 0, null))).isNull();
        assertThat(map(doc("createIndexes", "shop.orders", null, null, null, null, null, 1700000021, 0, null))).isNull();
        // a data change without a namespace on a deployment-wide stream cannot be placed
        assertThat(MongoStreamMapper.map("m", doc("insert", null, null, "{\"_id\": 1}", null, "{\"_id\": 1}", null, 1700000022, 0, null),
                MongoStreamMapper.Watched.deployment(), tracker::stream)).isNull();
    }

    @Test
    void eventsWithoutANamespaceGetTheWatchedCollectionsAndAKeyFromTheDocument() {
        // mongo-java-server sends no 'ns' and, for updates, the update operators as documentKey
        MongoStreamMapper.Watched items = new MongoStreamMapper.Watched("shop", "items");
        ChangeEvent update = MongoStreamMapper.map("m", doc("update", null, null, "{\"_id\": 2, \"v\": \"b\"}", null,
                "{\"$set\": {\"v\": \"b\"}}", null, 1700000030, 0, null), items, tracker::stream);
        assertThat(update).hasCollection("shop.items").hasOperation(Operation.UPDATE).hasKey(Map.of("_id", 2)).hasAfterField("v", "b");
        ChangeEvent drop = MongoStreamMapper.map("m", doc("drop", null, null, null, null, null, null, 1700000031, 0, null), items, tracker::stream);
        assertThat(drop.ddl()).isEqualTo("drop collection shop.items");
    }

    @Test
    void changesOfOneTransactionShareTheClusterTimeButGetDistinctIncreasingPositions() {
        ChangeEvent first = map(doc("insert", "shop.orders", null, "{\"_id\": 1}", null, "{\"_id\": 1}", null, 1700000040, 0, null));
        ChangeEvent second = map(doc("insert", "shop.orders", null, "{\"_id\": 2}", null, "{\"_id\": 2}", null, 1700000040, 1, null));
        assertThat(second.position()).isGreaterThan(first.position());
        PositionTracker restarted = new PositionTracker(first.position());
        ChangeEvent again = MongoStreamMapper.map("mongo_main", doc("insert", "shop.orders", null, "{\"_id\": 2}", null, "{\"_id\": 2}", null,
                1700000040, 1, null), SHOP, restarted::stream);
        assertThat(again.position()).isEqualTo(second.position());
    }
}
