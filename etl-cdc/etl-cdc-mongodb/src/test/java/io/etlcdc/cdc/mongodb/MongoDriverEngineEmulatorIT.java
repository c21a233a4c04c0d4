package io.etlcdc.cdc.mongodb;

import com.mongodb.MongoNamespace;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.connectors.FileOffsetStore;
import io.etlcdc.core.connectors.MemorySink;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.pipeline.Pipeline;
import io.etlcdc.core.spi.HealthStatus;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.Source;
import io.etlcdc.core.spi.SourceHealth;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static io.etlcdc.core.testing.ChangeEventAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The {@code driver} engine end to end (pipeline, in-memory sink, file offset store) against mongo-java-server 1.47.0
 * with the product's own configuration: no overrides. What the emulator implements, measured: change streams on one
 * collection ({@code collection.watch()}) with insert, update (looked up), replace (reported as update), delete and
 * drop events, {@code resumeAfter}/{@code startAfter}. What it lacks, each test below that needs it skipped with the
 * reason: events carry no {@code ns}, no {@code updateDescription}, no {@code wallTime}; updates carry the update
 * operators as {@code documentKey}; drops of any collection of the database reach every stream of it and no
 * {@code invalidate} follows (one comes only when a stream is resumed after a drop of its collection); renameCollection writes no event; dropDatabase writes one drop per collection and no
 * dropDatabase; database streams see only drops, deployment streams fail ({@code no such command: 'aggregate'});
 * no post-batch resume token; no pre-images (wire version 8); no replica set ({@code isMaster} without setName).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MongoDriverEngineEmulatorIT {
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

    private Source source(String id, Map<String, Object> extra, String... collections) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("tables", List.of(collections));
        config.put("poll_interval", 0.05);
        config.putAll(extra);
        return new MongoSourceProvider().create(ProviderContext.builder(id).definition(new ConnectorDefinition(id, "mongodb", url, config)).build());
    }

    private static Pipeline pipeline(String id, Source source, MemorySink sink, FileOffsetStore offsets) {
        Pipeline p = Pipeline.builder().name(id).source(id, source).sink("mem", sink).offsetStore(offsets)
                .stopTimeout(Duration.ofSeconds(30)).build();
        p.start();
        return p;
    }

    private static void awaitSize(MemorySink sink, int n) {
        await().atMost(60, TimeUnit.SECONDS).pollInterval(20, TimeUnit.MILLISECONDS).until(() -> sink.events().size() >= n);
    }

    private static boolean arrives(MemorySink sink, int n) {
        try {
            await().atMost(3, TimeUnit.SECONDS).pollInterval(20, TimeUnit.MILLISECONDS).until(() -> sink.events().size() >= n);
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    @Test
    void theDriverIsTheDefaultEngine() {
        assertThat(source("s", Map.of(), "items")).isInstanceOf(MongoChangeStreamSource.class);
        assertThat(((MongoChangeStreamSource) source("s", Map.of(), "items")).scope()).isEqualTo("collection");
        assertThat(((MongoChangeStreamSource) source("s", Map.of(), "a", "b")).scope()).isEqualTo("database");
        assertThat(((MongoChangeStreamSource) source("s", Map.of(), "a", "other.b")).scope()).isEqualTo("deployment");
        assertThat(source("s", Map.of("engine", "debezium"), "items")).isInstanceOf(io.etlcdc.cdc.debezium.DebeziumSource.class);
    }

    @Test
    void snapshotThenInsertUpdateReplaceDeleteAndDropArriveWithKeysDocumentsAndIncreasingPositions() {
        MongoCollection<Document> orders = client.getDatabase("shop").getCollection("orders");
        orders.insertOne(new Document("_id", 1).append("status", "new"));
        MemorySink sink = new MemorySink();
        try (Pipeline p = pipeline("mongo_drv_crud", source("mongo_drv_crud", Map.of(), "orders"), sink,
                new FileOffsetStore(tempDir.resolve("crud.json")))) {
            awaitSize(sink, 1);
            orders.insertOne(new Document("_id", 2).append("status", "new").append("qty", 1L));
            orders.updateOne(Filters.eq("_id", 2), Updates.combine(Updates.set("status", "paid"), Updates.inc("qty", 1L)));
            awaitSize(sink, 3);
            orders.replaceOne(Filters.eq("_id", 1), new Document("_id", 1).append("status", "replaced"));
            awaitSize(sink, 4);
            orders.deleteOne(Filters.eq("_id", 2));
            awaitSize(sink, 5);
            SourceHealth health = p.status().sources().get(0).health();
            assertThat(health.status()).isEqualTo(HealthStatus.UP);
            assertThat(health.connected()).isTrue();
            assertThat(health.lastEventAt()).isAfter(Instant.now().minusSeconds(60));
            assertThat(health.lagMillis()).isBetween(0L, 60_000L);
            assertThat(health.details()).containsEntry("engine", "driver").containsEntry("stream_scope", "collection")
                    .containsEntry("pre_images", false).containsKey("events_per_second");
            orders.drop();
            awaitSize(sink, 6);
            orders.insertOne(new Document("_id", 3));
            awaitSize(sink, 7);
        }
        List<ChangeEvent> e = sink.events();
        assertThat(e.get(0)).hasCollection("shop.orders").hasOperation(Operation.INSERT).isSnapshot(true).hasKey(Map.of("_id", 1))
                .hasAfterField("status", "new");
        assertThat(e.get(1)).hasOperation(Operation.INSERT).isSnapshot(false).hasKey(Map.of("_id", 2)).hasAfterField("qty", 1L);
        assertThat(e.get(2)).hasOperation(Operation.UPDATE).hasKey(Map.of("_id", 2)).hasAfterField("status", "paid").hasAfterField("qty", 2L);
        assertThat(e.get(3)).hasOperation(Operation.UPDATE).hasKey(Map.of("_id", 1)).hasAfterField("status", "replaced");
        assertThat(e.get(4)).hasOperation(Operation.DELETE).hasKey(Map.of("_id", 2));
        assertThat(e.get(5)).hasOperation(Operation.DDL).hasCollection("shop.orders");
        assertThat(e.get(5).ddl()).isEqualTo("drop collection shop.orders");
        assertThat(e.get(6)).hasOperation(Operation.INSERT).hasKey(Map.of("_id", 3));
        for (int i = 1; i < e.size(); i++) {
            assertThat(e.get(i)).hasPositionAfter(e.get(i - 1).position());
        }
        assertThat(e.get(1).position().offset()).containsKeys("sec", "ord", "resume_token");
    }

    @Test
    void aStopInTheMiddleOfAStreamAndARestartDeliverEveryChangeExactlyOnce() throws Exception {
        MongoCollection<Document> items = client.getDatabase("shop").getCollection("items");
        items.insertOne(new Document("_id", 0));
        FileOffsetStore offsets = new FileOffsetStore(tempDir.resolve("restart.json"));
        MemorySink sink = new MemorySink();
        Thread writer = new Thread(() -> {
            for (int i = 1; i <= 300; i++) {
                items.insertOne(new Document("_id", i).append("v", "x" + i));
            }
        });
        try (Pipeline p = pipeline("mongo_drv_restart", source("mongo_drv_restart", Map.of(), "items"), sink, offsets)) {
            awaitSize(sink, 1);
            writer.start();
            awaitSize(sink, 40);
        }
        writer.join(60_000);
        int delivered = sink.events().size();
        assertThat(delivered).isLessThan(301);
        try (Pipeline p = pipeline("mongo_drv_restart", source("mongo_drv_restart", Map.of(), "items"), sink, offsets)) {
            awaitSize(sink, 301);
            Thread.sleep(300);
        }
        assertThat(sink.events()).extracting(ev -> ev.key().get("_id")).doesNotHaveDuplicates().hasSize(301);
        assertThat(sink.events().subList(1, 301)).allSatisfy(ev -> assertThat(ev.snapshot()).isFalse());
    }

    @Test
    void snapshotModeNeverStreamsOnlyNewChanges() {
        MongoCollection<Document> fresh = client.getDatabase("shop").getCollection("fresh");
        fresh.insertOne(new Document("_id", "old"));
        MemorySink sink = new MemorySink();
        try (Pipeline p = pipeline("mongo_drv_never", source("mongo_drv_never", Map.of("snapshot_mode", "never"), "fresh"), sink,
                new FileOffsetStore(tempDir.resolve("never.json")))) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> p.status().sources().get(0).health().connected());
            fresh.insertOne(new Document("_id", "new"));
            awaitSize(sink, 1);
        }
        assertThat(sink.events()).extracting(ev -> ev.key().get("_id")).containsExactly("new");
    }

    @Test
    void aRenamedCollectionArrivesAsADdlEvent() {
        MongoCollection<Document> tmp = client.getDatabase("shop").getCollection("renamed_from");
        tmp.insertOne(new Document("_id", 1));
        MemorySink sink = new MemorySink();
        try (Pipeline p = pipeline("mongo_drv_rename", source("mongo_drv_rename", Map.of("snapshot_mode", "never"), "renamed_from"), sink,
                new FileOffsetStore(tempDir.resolve("rename.json")))) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> p.status().sources().get(0).health().connected());
            tmp.renameCollection(new MongoNamespace("shop", "renamed_to"));
            Assumptions.assumeTrue(arrives(sink, 1), "mongo-java-server 1.47.0 writes no change event for renameCollection "
                    + "(rename is covered by MongoStreamMapperTest and MongoRealReplicaSetIT with ETL_TEST_MONGODB_URI)");
            assertThat(sink.events().get(0).ddl()).isEqualTo("rename shop.renamed_from to shop.renamed_to");
        }
    }

    @Test
    void severalCollectionsOfOneDatabaseAreCapturedThroughOneDatabaseStream() {
        MongoCollection<Document> a = client.getDatabase("shop").getCollection("multi_a");
        MongoCollection<Document> b = client.getDatabase("shop").getCollection("multi_b");
        MemorySink sink = new MemorySink();
        try (Pipeline p = pipeline("mongo_drv_multi", source("mongo_drv_multi", Map.of("snapshot_mode", "never"), "multi_a", "multi_b"), sink,
                new FileOffsetStore(tempDir.resolve("multi.json")))) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> p.status().sources().get(0).health().connected()
                    || p.status().sources().get(0).health().message() != null);
            a.insertOne(new Document("_id", 1));
            b.insertOne(new Document("_id", 2));
            Assumptions.assumeTrue(arrives(sink, 2), "mongo-java-server 1.47.0 delivers only drop events on a database-wide change "
                    + "stream (and fails deployment-wide ones), so several collections cannot be captured from it; covered by "
                    + "MongoRealReplicaSetIT with ETL_TEST_MONGODB_URI");
            assertThat(sink.events()).extracting(ChangeEvent::collection).containsExactly("shop.multi_a", "shop.multi_b");
        }
    }

    @Test
    void aStreamOnAWrongPortFailsAtCheckWithWhatToFix() {
        ProviderContext ctx = ProviderContext.of(new ConnectorDefinition("check", "mongodb",
                "mongodb://cdc:s3cret@localhost:1/shop?serverSelectionTimeoutMS=500", Map.of("tables", List.of("items"))));
        assertThatThrownBy(() -> new MongoSourceProvider().checkConnection(ctx)).isInstanceOf(EtlException.class)
                .hasMessageContaining("cannot reach MongoDB").hasMessageNotContaining("s3cret");
    }

    @Test
    void aServerRestartIsRetriedWithBackoffAndCaptureGoesOn() throws Exception {
        MongoServer own = new MongoServer(new MemoryBackend());
        own.enableOplog();
        InetSocketAddress address = own.bind();
        String ownUrl = "mongodb://localhost:" + address.getPort() + "/shop?serverSelectionTimeoutMS=1000";
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("tables", List.of("events"));
        config.put("poll_interval", 0.05);
        config.put("retry_initial_delay", 0.1);
        config.put("retry_max_delay", 0.5);
        // no snapshot: a change written while a snapshot reads the collection is delivered by both (sinks upsert),
        // which this test of reconnecting is not about
        config.put("snapshot_mode", "never");
        Source source = new MongoSourceProvider().create(ProviderContext.builder("mongo_drv_restart_db")
                .definition(new ConnectorDefinition("mongo_drv_restart_db", "mongodb", ownUrl, config)).build());
        MemorySink sink = new MemorySink();
        MongoServer again = null;
        try (MongoClient c = MongoClients.create(ownUrl.replace("?serverSelectionTimeoutMS=1000", ""));
             Pipeline p = pipeline("mongo_drv_restart_db", source, sink, new FileOffsetStore(tempDir.resolve("restart_db.json")))) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> !p.status().sources().isEmpty()
                    && p.status().sources().get(0).health().connected());
            c.getDatabase("shop").getCollection("events").insertOne(new Document("_id", 1));
            awaitSize(sink, 1);
            own.shutdownNow();
            await().atMost(30, TimeUnit.SECONDS).until(() -> String.valueOf(p.status().sources().get(0).health().message()).contains("retrying"));
            SourceHealth down = p.status().sources().get(0).health();
            assertThat(down.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(down.connected()).isFalse();
            // the emulator's resume tokens are its clock: let a second pass so the new server's changes come after the token
            Thread.sleep(1100);
            again = new MongoServer(new MemoryBackend());
            again.enableOplog();
            again.bind(address.getHostString(), address.getPort());
            await().atMost(30, TimeUnit.SECONDS).until(() -> p.status().sources().get(0).health().connected());
            try (MongoClient c2 = MongoClients.create(ownUrl.replace("?serverSelectionTimeoutMS=1000", ""))) {
                c2.getDatabase("shop").getCollection("events").insertOne(new Document("_id", 2));
                awaitSize(sink, 2);
            }
            assertThat(p.status().sources().get(0).health().details()).extracting(d -> ((Number) d.get("reconnects")).longValue())
                    .satisfies(n -> assertThat(n).isPositive());
        } finally {
            if (again != null) {
                again.shutdownNow();
            }
        }
        assertThat(sink.events()).extracting(ev -> ev.key().get("_id")).containsExactly(1, 2);
    }

    @Test
    void aSnapshotOnRequestReadsTheCollectionAgainAndStreamingGoesOnAfterIt() {
        MongoCollection<Document> again = client.getDatabase("shop").getCollection("resnap");
        again.insertOne(new Document("_id", 1));
        MemorySink sink = new MemorySink();
        Source source = source("mongo_drv_resnap", Map.of(), "resnap");
        try (Pipeline p = pipeline("mongo_drv_resnap", source, sink, new FileOffsetStore(tempDir.resolve("resnap.json")))) {
            awaitSize(sink, 1);
            again.insertOne(new Document("_id", 2));
            awaitSize(sink, 2);
            source.requestSnapshot(List.of());
            awaitSize(sink, 4);
            again.insertOne(new Document("_id", 3));
            awaitSize(sink, 5);
        }
        List<ChangeEvent> e = sink.events();
        assertThat(e).extracting(ChangeEvent::snapshot).containsExactly(true, false, true, true, false);
        assertThat(e).extracting(ev -> ev.key().get("_id")).containsExactly(1, 2, 1, 2, 3);
        for (int i = 1; i < e.size(); i++) {
            assertThat(e.get(i)).hasPositionAfter(e.get(i - 1).position());
        }
    }

    @Test
    void theConnectionCheckPassesForAnExistingCollectionAndNamesAnUnknownOne() {
        client.getDatabase("shop").getCollection("checked").insertOne(new Document("_id", 1));
        new MongoSourceProvider().checkConnection(ProviderContext.of(new ConnectorDefinition("check", "mongodb", url,
                Map.of("tables", List.of("checked")))));
        assertThatThrownBy(() -> new MongoSourceProvider().checkConnection(ProviderContext.of(new ConnectorDefinition("check", "mongodb", url,
                Map.of("tables", List.of("nope"))))))
                .isInstanceOf(EtlException.class).hasMessageContaining("unknown collection(s) shop.nope").hasMessageContaining("checked");
    }

    /**
     * TEST-ONLY fault injection: answers as a real MongoDB does where the emulator never would — a change stream resumed
     * after a token in {@link #lost} with error 286 ChangeStreamHistoryLost (the token left the oplog); every change
     * stream with {@link #changeStreamError} (a standalone server: 40573, a user without the privilege: 13); a find on a
     * collection in {@link #unreadable} with 13 Unauthorized.
     */
    static final class FaultyBackend extends MemoryBackend {
        final Set<String> lost = ConcurrentHashMap.newKeySet();
        final Set<String> unreadable = ConcurrentHashMap.newKeySet();
        volatile de.bwaldvogel.mongo.exception.MongoServerError changeStreamError;
        /** Milliseconds the next getMore hangs (a stalled server or network), then 0 again. */
        volatile long stallNextGetMore;

        @Override
        public de.bwaldvogel.mongo.bson.Document handleCommand(io.netty.channel.Channel channel, String database, String command,
                                                               de.bwaldvogel.mongo.bson.Document query) {
            if ("aggregate".equalsIgnoreCase(command) && query.get("pipeline") instanceof List<?> stages && !stages.isEmpty()
                    && stages.get(0) instanceof de.bwaldvogel.mongo.bson.Document first
                    && first.get("$changeStream") instanceof de.bwaldvogel.mongo.bson.Document options) {
                if (changeStreamError != null) {
                    throw changeStreamError;
                }
                if (options.get("resumeAfter") instanceof de.bwaldvogel.mongo.bson.Document token
                        && lost.contains(String.valueOf(token.get("_data")).toUpperCase(java.util.Locale.ROOT))) {
                    throw new de.bwaldvogel.mongo.exception.MongoServerError(286, "ChangeStreamHistoryLost",
                            "Resume of change stream was not possible, as the resume point may no longer be in the oplog.");
                }
            }
            long stall = stallNextGetMore;
            if ("getMore".equalsIgnoreCase(command) && stall > 0) {
                stallNextGetMore = 0;
                try {
                    Thread.sleep(stall);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if ("find".equalsIgnoreCase(command) && unreadable.contains(String.valueOf(query.get("find")))) {
                throw new de.bwaldvogel.mongo.exception.MongoServerError(13, "Unauthorized",
                        "not authorized on " + database + " to execute command { find: \"" + query.get("find") + "\" }");
            }
            return super.handleCommand(channel, database, command, query);
        }
    }

    @Test
    void aStandaloneServerAndAMissingPrivilegeFailTheSourceWithWhatToFixAndAreNotRetried() {
        FaultyBackend backend = new FaultyBackend();
        MongoServer own = new MongoServer(backend);
        own.enableOplog();
        String ownUrl = "mongodb://cdc:s3cret@localhost:" + own.bind().getPort() + "/shop";
        try {
            Map<String, String> expected = Map.of(
                    "40573", "change streams need a replica set",
                    "13", "permission denied");
            for (Map.Entry<String, String> fault : expected.entrySet()) {
                backend.changeStreamError = fault.getKey().equals("40573")
                        ? new de.bwaldvogel.mongo.exception.MongoServerError(40573, "Location40573",
                        "The $changeStream stage is only supported on replica sets")
                        : new de.bwaldvogel.mongo.exception.MongoServerError(13, "Unauthorized",
                        "not authorized on shop to execute command { aggregate: \"items\" }");
                String id = "mongo_drv_fault_" + fault.getKey();
                ConnectorDefinition definition = new ConnectorDefinition(id, "mongodb", ownUrl.replace("cdc:s3cret@", ""),
                        Map.of("tables", List.of("items"), "retry_initial_delay", 0.05));
                assertThatThrownBy(() -> new MongoSourceProvider().checkConnection(ProviderContext.of(definition)))
                        .isInstanceOf(EtlException.class).hasMessageContaining(fault.getValue());
                Source source = new MongoSourceProvider().create(ProviderContext.builder(id).definition(definition).build());
                try (Pipeline p = pipeline(id, source, new MemorySink(), new FileOffsetStore(tempDir.resolve(id + ".json")))) {
                    await().atMost(30, TimeUnit.SECONDS).until(() -> p.status().sources().get(0).state() == io.etlcdc.core.pipeline.SourceState.FAILED);
                    assertThat(p.status().sources().get(0).error()).contains(fault.getValue()).doesNotContain("retrying");
                }
            }
        } finally {
            own.shutdownNow();
        }
    }

    @Test
    void aCollectionThatCannotBeReadIsReportedPerCollectionAndDoesNotBlockTheOthers() {
        FaultyBackend backend = new FaultyBackend();
        MongoServer own = new MongoServer(backend);
        own.enableOplog();
        String ownUrl = "mongodb://localhost:" + own.bind().getPort() + "/shop";
        backend.unreadable.add("secret");
        String id = "mongo_drv_table_error";
        MemorySink sink = new MemorySink();
        try (MongoClient c = MongoClients.create(ownUrl)) {
            c.getDatabase("shop").getCollection("open").insertOne(new Document("_id", "visible"));
            c.getDatabase("shop").getCollection("secret").insertOne(new Document("_id", "hidden"));
            Source source = new MongoSourceProvider().create(ProviderContext.builder(id).definition(new ConnectorDefinition(id, "mongodb",
                    ownUrl, Map.of("tables", List.of("open", "secret"), "poll_interval", 0.05))).build());
            try (Pipeline p = pipeline(id, source, sink, new FileOffsetStore(tempDir.resolve(id + ".json")))) {
                awaitSize(sink, 1);
                await().atMost(30, TimeUnit.SECONDS).until(() -> p.status().sources().get(0).health().status() == HealthStatus.DEGRADED);
                SourceHealth health = p.status().sources().get(0).health();
                assertThat(health.tableErrors()).containsOnlyKeys("shop.secret");
                assertThat(health.tableErrors().get("shop.secret")).contains("permission denied", "read role");
                assertThat(p.status().sources().get(0).state()).isEqualTo(io.etlcdc.core.pipeline.SourceState.RUNNING);
            }
        } finally {
            own.shutdownNow();
        }
        assertThat(sink.events()).extracting(ev -> ev.key().get("_id")).containsExactly("visible");
    }

    @Test
    void aCommittedTokenThatLeftTheOplogFailsWithPositionLostOrIsSnapshottedAgainWithWhenNeeded() {
        FaultyBackend backend = new FaultyBackend();
        MongoServer own = new MongoServer(backend);
        own.enableOplog();
        String ownUrl = "mongodb://localhost:" + own.bind().getPort() + "/shop";
        String id = "mongo_drv_lost";
        FileOffsetStore offsets = new FileOffsetStore(tempDir.resolve("lost.json"));
        MemorySink sink = new MemorySink();
        try (MongoClient c = MongoClients.create(ownUrl)) {
            MongoCollection<Document> kept = c.getDatabase("shop").getCollection("kept");
            kept.insertOne(new Document("_id", 1));
            java.util.function.Function<String, Source> source = mode -> new MongoSourceProvider().create(ProviderContext.builder(id)
                    .definition(new ConnectorDefinition(id, "mongodb", ownUrl, Map.of("tables", List.of("kept"), "poll_interval", 0.05,
                            "snapshot_mode", mode))).build());
            try (Pipeline p = pipeline(id, source.apply("when_needed"), sink, offsets)) {
                awaitSize(sink, 1);
                kept.insertOne(new Document("_id", 2));
                awaitSize(sink, 2);
            }
            backend.lost.add((String) sink.events().get(1).position().sortKey().get(2));
            kept.insertOne(new Document("_id", 3));

            MemorySink nothing = new MemorySink();
            try (Pipeline p = pipeline(id, source.apply("initial"), nothing, offsets)) {
                await().atMost(30, TimeUnit.SECONDS).until(() -> p.status().sources().get(0).state() == io.etlcdc.core.pipeline.SourceState.FAILED);
                assertThat(p.status().sources().get(0).error()).contains("no longer in the oplog").contains("snapshot_mode: when_needed");
            }
            assertThat(nothing.events()).isEmpty();

            try (Pipeline p = pipeline(id, source.apply("when_needed"), sink, offsets)) {
                awaitSize(sink, 5);
                kept.insertOne(new Document("_id", 4));
                awaitSize(sink, 6);
            }
        } finally {
            own.shutdownNow();
        }
        List<ChangeEvent> e = sink.events();
        assertThat(e).extracting(ev -> ev.key().get("_id")).containsExactly(1, 2, 1, 2, 3, 4);
        assertThat(e).extracting(ChangeEvent::snapshot).containsExactly(true, false, true, true, true, false);
        for (int i = 1; i < e.size(); i++) {
            assertThat(e.get(i)).hasPositionAfter(e.get(i - 1).position());
        }
    }

    @Test
    void resumingAfterADropGetsAnInvalidateAndTheStreamIsReopenedAfterIt() {
        // the emulator answers resumeAfter a token past a drop of the watched collection with an invalidate (and only then)
        MongoCollection<Document> gone = client.getDatabase("shop").getCollection("gone");
        gone.insertOne(new Document("_id", 1));
        String id = "mongo_drv_invalidate";
        FileOffsetStore offsets = new FileOffsetStore(tempDir.resolve("invalidate.json"));
        MemorySink sink = new MemorySink();
        try (Pipeline p = pipeline(id, source(id, Map.of(), "gone"), sink, offsets)) {
            awaitSize(sink, 1);
            gone.drop();
            awaitSize(sink, 2);
        }
        assertThat(sink.events().get(1).ddl()).isEqualTo("drop collection shop.gone");
        gone.insertOne(new Document("_id", 2));
        try (Pipeline p = pipeline(id, source(id, Map.of(), "gone"), sink, offsets)) {
            awaitSize(sink, 3);
            gone.insertOne(new Document("_id", 3));
            awaitSize(sink, 4);
        }
        assertThat(sink.events().subList(2, 4)).extracting(ev -> ev.key().get("_id")).containsExactly(2, 3);
        for (int i = 1; i < sink.events().size(); i++) {
            assertThat(sink.events().get(i)).hasPositionAfter(sink.events().get(i - 1).position());
        }
    }

    @Test
    void aStreamThatStopsAnsweringShowsAsStalledAndRecovers() {
        FaultyBackend backend = new FaultyBackend();
        MongoServer own = new MongoServer(backend);
        own.enableOplog();
        String ownUrl = "mongodb://localhost:" + own.bind().getPort() + "/shop";
        String id = "mongo_drv_stall";
        MemorySink sink = new MemorySink();
        try (MongoClient c = MongoClients.create(ownUrl)) {
            Source source = new MongoSourceProvider().create(ProviderContext.builder(id).definition(new ConnectorDefinition(id, "mongodb",
                    ownUrl, Map.of("tables", List.of("slow"), "poll_interval", 0.05, "heartbeat_interval", 0, "stall_timeout", 1))).build());
            try (Pipeline p = pipeline(id, source, sink, new FileOffsetStore(tempDir.resolve(id + ".json")))) {
                await().atMost(30, TimeUnit.SECONDS).until(() -> p.status().sources().get(0).health().status() == HealthStatus.UP);
                backend.stallNextGetMore = 4000;
                await().atMost(10, TimeUnit.SECONDS).until(() -> p.status().sources().get(0).health().status() == HealthStatus.DOWN);
                assertThat(p.status().sources().get(0).health().message()).startsWith("stalled");
                c.getDatabase("shop").getCollection("slow").insertOne(new Document("_id", 1));
                awaitSize(sink, 1);
                await().atMost(10, TimeUnit.SECONDS).until(() -> p.status().sources().get(0).health().status() == HealthStatus.UP);
            }
        } finally {
            own.shutdownNow();
        }
    }
}
