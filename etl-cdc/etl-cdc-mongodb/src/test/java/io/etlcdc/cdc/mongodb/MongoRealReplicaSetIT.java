package io.etlcdc.cdc.mongodb;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.etlcdc.core.config.ConnectionString;
import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.connectors.FileOffsetStore;
import io.etlcdc.core.connectors.MemorySink;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.pipeline.Pipeline;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.Source;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.etlcdc.core.testing.ChangeEventAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The MongoDB source against a real replica set or sharded cluster, with the product's own configuration (no
 * overrides), for both engines ({@code driver} and {@code debezium}); the DDL, invalidate and pre-image tests for
 * the driver engine only (Debezium's connector has no DDL events). Runs when {@code ETL_TEST_MONGODB_URI} names one, e.g.
 * {@code mongodb://localhost:27017/etl_it?replicaSet=rs0}; skipped otherwise (none can run on this build machine).
 * Uses collections with a random suffix in the URI's database and drops them afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MongoRealReplicaSetIT {
    private static final String URI = System.getenv("ETL_TEST_MONGODB_URI");
    private String database;
    private String suffix;
    private MongoClient client;
    private final List<String> created = new ArrayList<>();

    @TempDir
    Path tempDir;

    @BeforeEach
    void requireARealDeployment() {
        Assumptions.assumeTrue(URI != null && !URI.isBlank(),
                "ETL_TEST_MONGODB_URI is not set: no MongoDB replica set on this machine (set it to e.g. "
                        + "mongodb://localhost:27017/etl_it?replicaSet=rs0 to run these tests)");
    }

    @BeforeAll
    void connect() {
        if (URI == null || URI.isBlank()) {
            return;
        }
        database = ConnectionString.parse(URI).database().orElseThrow();
        suffix = UUID.randomUUID().toString().substring(0, 8);
        client = MongoClients.create(URI);
    }

    @AfterAll
    void dropCollections() {
        if (client != null) {
            created.forEach(c -> client.getDatabase(database).getCollection(c).drop());
            client.close();
        }
    }

    private MongoCollection<Document> collection(String name) {
        String full = name + "_" + suffix;
        created.add(full);
        client.getDatabase(database).createCollection(full);
        return client.getDatabase(database).getCollection(full);
    }

    private Source source(String id, String engine, String... collections) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("engine", engine);
        config.put("tables", List.of(collections));
        config.put("poll_interval", 0.1);
        config.put("commit_interval", 0.2);
        config.put("heartbeat_interval", 1);
        return new MongoSourceProvider().create(ProviderContext.builder(id).definition(new ConnectorDefinition(id, "mongodb", URI, config)).build());
    }

    private static Pipeline pipeline(String id, Source source, MemorySink sink, FileOffsetStore offsets) {
        Pipeline p = Pipeline.builder().name(id).source(id, source).sink("mem", sink).offsetStore(offsets)
                .stopTimeout(Duration.ofSeconds(30)).build();
        p.start();
        return p;
    }

    private static void awaitSize(MemorySink sink, int n) {
        await().atMost(90, TimeUnit.SECONDS).pollInterval(100, TimeUnit.MILLISECONDS).until(() -> sink.events().size() >= n);
    }

    @ParameterizedTest
    @ValueSource(strings = {"driver", "debezium"})
    void snapshotInsertUpdateReplaceDeleteArriveWithKeysAndFullDocuments(String engine) {
        MongoCollection<Document> orders = collection("orders_" + engine);
        orders.insertOne(new Document("_id", 1).append("status", "new"));
        String name = orders.getNamespace().getCollectionName();
        MemorySink sink = new MemorySink();
        try (Pipeline p = pipeline("mongo_real_crud", source("mongo_real_crud_" + engine + "_" + suffix, engine, name), sink,
                new FileOffsetStore(tempDir.resolve("crud_" + engine + ".json")))) {
            awaitSize(sink, 1);
            orders.insertOne(new Document("_id", 2).append("status", "new").append("qty", 1));
            orders.updateOne(Filters.eq("_id", 2), Updates.combine(Updates.set("status", "paid"), Updates.inc("qty", 1)));
            orders.replaceOne(Filters.eq("_id", 1), new Document("_id", 1).append("status", "replaced"));
            orders.deleteOne(Filters.eq("_id", 2));
            awaitSize(sink, 5);
        }
        List<ChangeEvent> e = sink.events();
        String ns = database + "." + name;
        assertThat(e.get(0)).hasCollection(ns).hasOperation(Operation.INSERT).isSnapshot(true).hasKey(Map.of("_id", 1));
        assertThat(e.get(1)).hasOperation(Operation.INSERT).isSnapshot(false).hasKey(Map.of("_id", 2)).hasAfterField("qty", 1);
        assertThat(e.get(2)).hasOperation(Operation.UPDATE).hasKey(Map.of("_id", 2)).hasAfterField("status", "paid").hasAfterField("qty", 2);
        assertThat(e.get(3)).hasOperation(Operation.UPDATE).hasKey(Map.of("_id", 1)).hasAfterField("status", "replaced");
        assertThat(e.get(4)).hasOperation(Operation.DELETE).hasKey(Map.of("_id", 2));
        for (int i = 1; i < e.size(); i++) {
            assertThat(e.get(i)).hasPositionAfter(e.get(i - 1).position());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"driver", "debezium"})
    void aStopInTheMiddleOfAStreamAndARestartDeliverEveryChangeOnce(String engine) throws Exception {
        MongoCollection<Document> items = collection("items_" + engine);
        String name = items.getNamespace().getCollectionName();
        String id = "mongo_real_restart_" + engine + "_" + suffix;
        FileOffsetStore offsets = new FileOffsetStore(tempDir.resolve("restart_" + engine + ".json"));
        MemorySink sink = new MemorySink();
        Thread writer = new Thread(() -> {
            for (int i = 1; i <= 300; i++) {
                items.insertOne(new Document("_id", i));
            }
        });
        try (Pipeline p = pipeline(id, source(id, engine, name), sink, offsets)) {
            // after the (empty) snapshot: a document written during a snapshot may come twice (snapshot and stream)
            await().atMost(60, TimeUnit.SECONDS).until(() -> p.status().sources().get(0).health().connected());
            Thread.sleep(1000);
            items.insertOne(new Document("_id", 0));
            awaitSize(sink, 1);
            writer.start();
            awaitSize(sink, 40);
        }
        writer.join(120_000);
        try (Pipeline p = pipeline(id, source(id, engine, name), sink, offsets)) {
            awaitSize(sink, 301);
            Thread.sleep(500);
        }
        assertThat(sink.events()).extracting(ev -> ev.key().get("_id")).doesNotHaveDuplicates().hasSize(301);
    }

    @ParameterizedTest
    @ValueSource(strings = {"driver", "debezium"})
    void unknownCollectionsAreReportedAtConnect(String engine) {
        ProviderContext ctx = ProviderContext.of(new ConnectorDefinition("check", "mongodb", URI,
                Map.of("engine", engine, "tables", List.of("nope_" + suffix))));
        assertThatThrownBy(() -> new MongoSourceProvider().checkConnection(ctx)).isInstanceOf(EtlException.class)
                .hasMessageContaining("unknown collection(s) " + database + ".nope_" + suffix)
                .satisfies(ex -> assertThat(((EtlException) ex).code()).isEqualTo(ErrorCode.CONFIG_INVALID));
    }

    private static List<String> ddl(MemorySink sink) {
        return sink.events().stream().filter(e -> e.operation() == Operation.DDL).map(ChangeEvent::ddl).toList();
    }

    @Test
    void driverEngine_aDroppedOrRenamedWatchedCollectionIsADdlEventAndCaptureGoesOnWhenItComesBack() {
        MongoCollection<Document> watched = collection("watched");
        String name = watched.getNamespace().getCollectionName();
        String ns = database + "." + name;
        MemorySink sink = new MemorySink();
        try (Pipeline p = pipeline("mongo_real_ddl1", source("mongo_real_ddl1_" + suffix, "driver", name), sink,
                new FileOffsetStore(tempDir.resolve("ddl1.json")))) {
            await().atMost(60, TimeUnit.SECONDS).until(() -> p.status().sources().get(0).health().connected());
            watched.insertOne(new Document("_id", 1));
            awaitSize(sink, 1);
            watched.renameCollection(new com.mongodb.MongoNamespace(database, name + "_moved"));
            created.add(name + "_moved");
            await().atMost(60, TimeUnit.SECONDS).until(() -> ddl(sink).size() >= 1);
            // the stream was invalidated by the rename and re-opened after it: the collection comes back under its name
            watched.insertOne(new Document("_id", 2));
            await().atMost(60, TimeUnit.SECONDS).until(() -> sink.events().stream().anyMatch(e -> Integer.valueOf(2).equals(
                    e.key() == null ? null : e.key().get("_id"))));
            watched.drop();
            await().atMost(60, TimeUnit.SECONDS).until(() -> ddl(sink).size() >= 2);
            watched.insertOne(new Document("_id", 3));
            await().atMost(60, TimeUnit.SECONDS).until(() -> sink.events().stream().anyMatch(e -> Integer.valueOf(3).equals(
                    e.key() == null ? null : e.key().get("_id"))));
        }
        assertThat(ddl(sink)).containsExactly("rename " + ns + " to " + ns + "_moved", "drop collection " + ns);
        assertThat(sink.events()).filteredOn(e -> e.operation() == Operation.DDL).extracting(ChangeEvent::collection).containsOnly(ns);
        for (int i = 1; i < sink.events().size(); i++) {
            assertThat(sink.events().get(i)).hasPositionAfter(sink.events().get(i - 1).position());
        }
    }

    @Test
    void driverEngine_renameDropAndDropDatabaseOfCapturedCollectionsArriveThroughTheDatabaseStream() {
        String db = database + "_ddl_" + suffix;
        MongoCollection<Document> a = client.getDatabase(db).getCollection("a");
        MongoCollection<Document> b = client.getDatabase(db).getCollection("b");
        client.getDatabase(db).createCollection("a");
        client.getDatabase(db).createCollection("b");
        MemorySink sink = new MemorySink();
        try {
            try (Pipeline p = pipeline("mongo_real_ddl2", source("mongo_real_ddl2_" + suffix, "driver", db + ".a", db + ".b"), sink,
                    new FileOffsetStore(tempDir.resolve("ddl2.json")))) {
                await().atMost(60, TimeUnit.SECONDS).until(() -> p.status().sources().get(0).health().connected());
                assertThat(p.status().sources().get(0).health().details()).containsEntry("stream_scope", "database");
                a.insertOne(new Document("_id", "a1"));
                b.insertOne(new Document("_id", "b1"));
                client.getDatabase(db).getCollection("other").insertOne(new Document("_id", "not captured"));
                awaitSize(sink, 2);
                a.renameCollection(new com.mongodb.MongoNamespace(db, "a_old"));
                await().atMost(60, TimeUnit.SECONDS).until(() -> ddl(sink).size() >= 1);
                client.getDatabase(db).drop();
                await().atMost(60, TimeUnit.SECONDS).until(() -> ddl(sink).contains("drop database " + db));
                // invalidated by dropDatabase, re-opened after it
                b.insertOne(new Document("_id", "b2"));
                await().atMost(60, TimeUnit.SECONDS).until(() -> sink.events().stream().anyMatch(e -> "b2".equals(
                        e.key() == null ? null : e.key().get("_id"))));
            }
        } finally {
            client.getDatabase(db).drop();
        }
        assertThat(sink.events()).filteredOn(e -> e.operation() != Operation.DDL).extracting(e -> e.key().get("_id"))
                .containsExactly("a1", "b1", "b2");
        assertThat(ddl(sink)).startsWith("rename " + db + ".a to " + db + ".a_old").contains("drop collection " + db + ".b")
                .endsWith("drop database " + db);
    }

    @Test
    void driverEngine_preImagesBecomeBeforeOnMongoDb6() {
        int wire = client.getDatabase("admin").runCommand(new Document("isMaster", 1)).getInteger("maxWireVersion", 0);
        Assumptions.assumeTrue(wire >= 17, "pre-images need MongoDB 6.0+ (this server's wire version is " + wire + ")");
        String name = "pre_" + suffix;
        created.add(name);
        client.getDatabase(database).createCollection(name, new com.mongodb.client.model.CreateCollectionOptions()
                .changeStreamPreAndPostImagesOptions(new com.mongodb.client.model.ChangeStreamPreAndPostImagesOptions(true)));
        MongoCollection<Document> pre = client.getDatabase(database).getCollection(name);
        pre.insertOne(new Document("_id", 1).append("v", "old"));
        MemorySink sink = new MemorySink();
        try (Pipeline p = pipeline("mongo_real_pre", source("mongo_real_pre_" + suffix, "driver", name), sink,
                new FileOffsetStore(tempDir.resolve("pre.json")))) {
            awaitSize(sink, 1);
            pre.updateOne(Filters.eq("_id", 1), Updates.set("v", "new"));
            pre.deleteOne(Filters.eq("_id", 1));
            awaitSize(sink, 3);
            assertThat(p.status().sources().get(0).health().details()).containsEntry("pre_images", true);
        }
        assertThat(sink.events().get(1)).hasOperation(Operation.UPDATE).hasBeforeField("v", "old").hasAfterField("v", "new");
        assertThat(sink.events().get(2)).hasOperation(Operation.DELETE).hasBeforeField("v", "new");
    }
}
