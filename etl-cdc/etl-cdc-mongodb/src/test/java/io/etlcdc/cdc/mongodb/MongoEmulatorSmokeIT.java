package io.etlcdc.cdc.mongodb;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.connectors.FileOffsetStore;
import io.etlcdc.core.connectors.MemorySink;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.pipeline.Pipeline;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.Source;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.etlcdc.core.testing.ChangeEventAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A plumbing smoke test of the MongoDB source's {@code debezium} engine (Debezium's connector in our engine, mapping, offsets, resume)
 * against mongo-java-server, an in-JVM emulator that is not a faithful replica set. It runs only with the
 * EMULATOR-ONLY overrides below, which a real deployment must never use; the mapping itself is tested with
 * fixtures of real MongoDB events ({@link MongoChangeMapperTest}) and against a real replica set by
 * {@link MongoRealReplicaSetIT} when one is configured.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MongoEmulatorSmokeIT {
    private MongoServer server;
    private MongoClient client;
    private String url;

    @TempDir
    Path tempDir;

    @BeforeAll
    void startEmulator() {
        server = new MongoServer(new MemoryBackend());
        server.enableOplog();
        InetSocketAddress address = server.bind();
        // no ?replicaSet=: the driver would drop the emulator as a standalone server
        url = "mongodb://localhost:" + address.getPort() + "/shop";
        client = MongoClients.create(url);
    }

    @AfterAll
    void stopEmulator() {
        client.close();
        server.shutdownNow();
    }

    /**
     * EMULATOR-ONLY overrides: the emulator has no deployment-wide change streams, no snapshot support ('hello',
     * operationTime) and no 'ns' in its change events, so capture one collection, take no snapshot and add 'ns'.
     */
    private static Map<String, Object> emulatorOnlyOverrides(String collection) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("debezium.capture.scope", "collection");
        o.put("debezium.capture.target", "shop." + collection);
        o.put("debezium.snapshot.mode", "no_data");
        o.put("debezium.cursor.pipeline", "[{\"$addFields\": {\"ns\": {\"db\": \"shop\", \"coll\": \"" + collection + "\"}}}]");
        o.put("debezium.cursor.pipeline.order", "user_first");
        return o;
    }

    private Source source(String id) {
        return source(id, "items", "debezium");
    }

    /** The debezium engine with the emulator-only overrides, or the driver engine with the product's own configuration. */
    private Source source(String id, String collection, String engine) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("engine", engine);
        config.put("tables", List.of(collection));
        config.put("poll_interval", 0.05);
        config.put("commit_interval", 0.2);
        config.put("heartbeat_interval", 1);
        if (engine.equals("debezium")) {
            config.putAll(emulatorOnlyOverrides(collection));
        } else {
            config.put("snapshot_mode", "never");
        }
        return new MongoSourceProvider().create(ProviderContext.builder(id)
                .definition(new ConnectorDefinition(id, "mongodb", url, config)).build());
    }

    private static Pipeline pipeline(String id, Source source, MemorySink sink, FileOffsetStore offsets) {
        Pipeline p = Pipeline.builder().name(id).source(id, source).sink("mem", sink).offsetStore(offsets)
                .stopTimeout(Duration.ofSeconds(30)).build();
        p.start();
        return p;
    }

    private static void awaitSize(MemorySink sink, int n) {
        await().atMost(60, TimeUnit.SECONDS).pollInterval(50, TimeUnit.MILLISECONDS).until(() -> sink.events().size() >= n);
    }

    @Test
    void changesFlowThroughThePipelineAndAStoppedSourceResumesFromItsTokenExactlyOnce() throws Exception {
        MongoCollection<Document> items = client.getDatabase("shop").getCollection("items");
        items.insertOne(new Document("_id", 1).append("v", "before-start"));
        FileOffsetStore offsets = new FileOffsetStore(tempDir.resolve("offsets.json"));
        MemorySink sink = new MemorySink();
        try (Pipeline p = pipeline("mongo_emu", source("mongo_emu"), sink, offsets)) {
            await().atMost(60, TimeUnit.SECONDS).until(() -> p.status().sources().get(0).health().connected());
            Thread.sleep(500);
            items.insertOne(new Document("_id", 2).append("v", "two").append("n", 2L));
            items.insertOne(new Document("_id", 3).append("v", "three"));
            // the emulator fails change streams on update operators ('Unrecognized expression $set'): replace the document
            items.replaceOne(Filters.eq("_id", 2), new Document("_id", 2).append("v", "TWO").append("n", 2L));
            items.deleteOne(Filters.eq("_id", 3));
            awaitSize(sink, 4);
        }
        List<ChangeEvent> events = sink.events();
        assertThat(events).extracting(ChangeEvent::operation)
                .containsExactly(Operation.INSERT, Operation.INSERT, Operation.UPDATE, Operation.DELETE);
        assertThat(events.get(0)).hasCollection("shop.items").hasKey(Map.of("_id", 2)).hasAfterField("v", "two").hasAfterField("n", 2L);
        assertThat(events.get(2)).hasAfterField("_id", 2).hasAfterField("v", "TWO");
        assertThat(events.get(3)).hasKey(Map.of("_id", 3));
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i)).hasPositionAfter(events.get(i - 1).position());
        }
        items.insertOne(new Document("_id", 4));
        items.insertOne(new Document("_id", 5));
        try (Pipeline p = pipeline("mongo_emu", source("mongo_emu"), sink, offsets)) {
            awaitSize(sink, 6);
            Thread.sleep(500);
        }
        assertThat(sink.events()).hasSize(6);
        assertThat(sink.events().subList(4, 6)).extracting(e -> e.key().get("_id")).containsExactly(4, 5);
    }

    @Test
    void eitherEngineResumesFromThePositionTheOtherCommittedWithNothingLostOrRepeated() throws Exception {
        MongoCollection<Document> handover = client.getDatabase("shop").getCollection("handover");
        FileOffsetStore offsets = new FileOffsetStore(tempDir.resolve("handover.json"));
        MemorySink sink = new MemorySink();
        int id = 0;
        // the driver first: with no position yet Debezium streams from whenever its stream opens, which its 'connected'
        // does not tell; every later run resumes from the committed token, so nothing written around a start is missed
        for (String engine : List.of("driver", "debezium", "driver")) {
            try (Pipeline p = pipeline("mongo_handover", source("mongo_handover", "handover", engine), sink, offsets)) {
                await().atMost(60, TimeUnit.SECONDS).until(() -> p.status().sources().get(0).health().connected());
                Thread.sleep(500);
                handover.insertOne(new Document("_id", ++id).append("by", engine));
                handover.insertOne(new Document("_id", ++id).append("by", engine));
                awaitSize(sink, id);
                Thread.sleep(300);
            }
            // written while no engine runs: the next one must pick them up from the committed token
            handover.insertOne(new Document("_id", ++id).append("by", "nobody"));
        }
        try (Pipeline p = pipeline("mongo_handover", source("mongo_handover", "handover", "debezium"), sink, offsets)) {
            awaitSize(sink, id);
            Thread.sleep(300);
        }
        assertThat(sink.events()).extracting(e -> e.key().get("_id")).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
        for (int i = 1; i < sink.events().size(); i++) {
            assertThat(sink.events().get(i)).hasPositionAfter(sink.events().get(i - 1).position());
        }
    }
}
