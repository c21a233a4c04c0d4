package io.etlcdc.schema;

import io.etlcdc.core.connectors.MemoryOffsetStore;
import io.etlcdc.core.connectors.MemorySink;
import io.etlcdc.core.connectors.MemorySource;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.ColumnType;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.event.SchemaRef;
import io.etlcdc.core.event.TableSchema;
import io.etlcdc.core.event.TableSchema.Column;
import io.etlcdc.core.pipeline.Pipeline;
import io.etlcdc.core.pipeline.PipelineBuilder;
import io.etlcdc.core.pipeline.PipelineState;
import io.etlcdc.core.pipeline.PipelineStatus;
import io.etlcdc.core.pipeline.SourceState;
import io.etlcdc.core.spi.TransformCollector;
import io.etlcdc.schema.store.InMemorySchemaStore;
import io.etlcdc.schema.store.SchemaStore;
import io.etlcdc.schema.store.StoredSchema;
import io.etlcdc.schema.store.StoredVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.etlcdc.core.testing.Events.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The schema stage in a real pipeline: registration, stamping and the three policies. */
class SchemaTrackerTest {
    private static final TableSchema V1 = new TableSchema("public.users", List.of(
            Column.of("id", ColumnType.INT32, false), Column.of("name", ColumnType.STRING, true)), List.of("id"));
    private static final TableSchema V2_ADD_PHONE = new TableSchema("public.users", List.of(
            Column.of("id", ColumnType.INT32, false), Column.of("name", ColumnType.STRING, true),
            Column.of("phone", ColumnType.STRING, true)), List.of("id"));
    private static final TableSchema V2_ADD_REQUIRED = new TableSchema("public.users", List.of(
            Column.of("id", ColumnType.INT32, false), Column.of("name", ColumnType.STRING, true),
            Column.of("tier", ColumnType.INT32, false)), List.of("id"));

    private final List<Pipeline> started = new ArrayList<>();

    @AfterEach
    void stopAll() {
        started.forEach(Pipeline::stop);
    }

    private Pipeline start(PipelineBuilder b) {
        Pipeline p = b.stopTimeout(Duration.ofSeconds(10)).build();
        started.add(p);
        p.start();
        return p;
    }

    private static ChangeEvent insert(String sourceId, long n, TableSchema schema, Map<String, Object> after) {
        return ChangeEvent.builder(sourceId, "public.users", Operation.INSERT)
                .key(row("id", (int) n)).after(after).position(Position.of(n)).schema(schema)
                .sourceTimestamp(Instant.ofEpochMilli(1_700_000_000_000L + n)).build();
    }

    private static ChangeEvent v1(String sourceId, long n) {
        return insert(sourceId, n, V1, row("id", (int) n, "name", "user" + n));
    }

    private static ChangeEvent v2(String sourceId, long n) {
        return insert(sourceId, n, V2_ADD_PHONE, row("id", (int) n, "name", "user" + n, "phone", "555-" + n));
    }

    private static Optional<PipelineStatus.SourceStatus> source(Pipeline p, String id) {
        return p.status().sources().stream().filter(s -> s.id().equals(id)).findFirst();
    }

    private static void awaitCommitted(MemoryOffsetStore offsets, String sourceId, long n) {
        await().atMost(30, TimeUnit.SECONDS).until(() -> offsets.load(sourceId).map(p -> p.equals(Position.of(n))).orElse(false));
    }

    @Test
    void evolveRegistersTheFirstSchemaAndEachChangeAndStampsEveryEvent() {
        SchemaRegistry registry = SchemaRegistry.inMemory();
        MemorySource pg = new MemorySource();
        MemorySink sink = new MemorySink();
        MemoryOffsetStore offsets = new MemoryOffsetStore();
        start(Pipeline.builder().source("pg", pg).schemaTracker(SchemaTracker.create(registry)).sink("mem", sink).offsetStore(offsets));

        pg.push(v1("pg", 1), v1("pg", 2));
        pg.push(v2("pg", 3), v2("pg", 4));
        awaitCommitted(offsets, "pg", 4);

        assertThat(registry.versions("pg_users")).containsExactly(1, 2);
        assertThat(sink.events()).extracting(ChangeEvent::schemaRef).containsExactly(
                new SchemaRef("pg_users", 1), new SchemaRef("pg_users", 1), new SchemaRef("pg_users", 2), new SchemaRef("pg_users", 2));
        assertThat(sink.events().get(3).after()).containsEntry("phone", "555-4");
        assertThat(sink.events().get(3).schema()).isSameAs(V2_ADD_PHONE);
        assertThat(registry.latest("pg_users").schema().tableSchema()).contains(V2_ADD_PHONE);
    }

    @Test
    void evolveStopsTheSourceWhenTheSubjectsModeRefusesTheChange() {
        SchemaRegistry registry = SchemaRegistry.inMemory();
        MemorySource pg = new MemorySource();
        MemorySink sink = new MemorySink();
        MemoryOffsetStore offsets = new MemoryOffsetStore();
        Pipeline p = start(Pipeline.builder().source("pg", pg).schemaTracker(SchemaTracker.create(registry))
                .sink("mem", sink).offsetStore(offsets));
        pg.push(v1("pg", 1));
        awaitCommitted(offsets, "pg", 1);
        pg.push(insert("pg", 2, V2_ADD_REQUIRED, row("id", 2, "name", "b", "tier", 1)));

        await().atMost(30, TimeUnit.SECONDS).until(() -> source(p, "pg").map(s -> s.state() == SourceState.FAILED).orElse(false));
        assertThat(source(p, "pg").orElseThrow().error()).contains("pg_users", "BACKWARD", "column 'tier' added",
                "'tier' (int) was added without a default");
        assertThat(offsets.load("pg")).contains(Position.of(1L));
        assertThat(sink.size()).isEqualTo(1);
        assertThat(registry.versions("pg_users")).containsExactly(1);
    }

    @Test
    void failStopsOnlyTheChangedSourceNamingSubjectAndChangeAndRegistersNothing() {
        SchemaRegistry registry = SchemaRegistry.inMemory();
        MemorySource pg = new MemorySource();
        MemorySource other = new MemorySource();
        MemorySink sink = new MemorySink();
        MemoryOffsetStore offsets = new MemoryOffsetStore();
        SchemaTracker tracker = SchemaTracker.builder(registry).policy("pg", SchemaChangePolicy.FAIL).build();
        Pipeline p = start(Pipeline.builder().source("pg", pg).source("other", other).schemaTracker(tracker)
                .sink("mem", sink).offsetStore(offsets));
        pg.push(v1("pg", 1));
        awaitCommitted(offsets, "pg", 1);

        pg.push(v2("pg", 2), v2("pg", 3));
        await().atMost(30, TimeUnit.SECONDS).until(() -> source(p, "pg").map(s -> s.state() == SourceState.FAILED).orElse(false));
        assertThat(source(p, "pg").orElseThrow().error()).contains("subject 'pg_users'", "version 1", "column 'phone' added",
                "schema_change_policy is fail", "incompatibilities under BACKWARD: none");
        assertThat(registry.versions("pg_users")).containsExactly(1);

        other.push(v2("other", 1));
        awaitCommitted(offsets, "other", 1);
        assertThat(p.state()).isEqualTo(PipelineState.RUNNING);
        assertThat(offsets.load("pg")).contains(Position.of(1L));
        assertThat(sink.events()).extracting(ChangeEvent::sourceId).containsExactly("pg", "other");
        assertThat(sink.events().get(1).schemaRef()).isEqualTo(new SchemaRef("other_users", 1));
    }

    @Test
    void ignoreKeepsTheRegisteredShapeAndMigratesRowsToIt() {
        SchemaRegistry registry = SchemaRegistry.inMemory();
        MemorySource pg = new MemorySource();
        MemorySink sink = new MemorySink();
        MemoryOffsetStore offsets = new MemoryOffsetStore();
        SchemaTracker tracker = SchemaTracker.builder(registry).defaultPolicy(SchemaChangePolicy.IGNORE).build();
        start(Pipeline.builder().source("pg", pg).schemaTracker(tracker).sink("mem", sink).offsetStore(offsets));
        pg.push(v1("pg", 1));
        pg.push(v2("pg", 2), ChangeEvent.builder("pg", "public.users", Operation.UPDATE).key(row("id", 2))
                .before(row("id", 2, "name", "user2", "phone", "555-2")).after(row("id", 2, "phone", "555-9"))
                .unchangedFields(Set.of("name")).position(Position.of(3L)).schema(V2_ADD_PHONE).build());
        awaitCommitted(offsets, "pg", 3);

        assertThat(registry.versions("pg_users")).containsExactly(1);
        List<ChangeEvent> got = sink.events();
        assertThat(got).extracting(ChangeEvent::schemaRef).containsOnly(new SchemaRef("pg_users", 1));
        assertThat(got.get(1).after()).containsExactly(Map.entry("id", 2), Map.entry("name", "user2"));
        assertThat(got.get(1).schema()).isEqualTo(V1);
        ChangeEvent update = got.get(2);
        assertThat(update.before()).containsExactly(Map.entry("id", 2), Map.entry("name", "user2"));
        assertThat(update.after()).as("the unchanged column stays absent").containsExactly(Map.entry("id", 2));
        assertThat(update.unchangedFields()).containsExactly("name");
    }

    @Test
    void ignoreStopsTheSourceWhenTheRegisteredShapeCannotReadTheNewOne() {
        SchemaRegistry registry = SchemaRegistry.inMemory();
        MemorySource pg = new MemorySource();
        MemoryOffsetStore offsets = new MemoryOffsetStore();
        SchemaTracker tracker = SchemaTracker.builder(registry).defaultPolicy(SchemaChangePolicy.IGNORE).build();
        Pipeline p = start(Pipeline.builder().source("pg", pg).schemaTracker(tracker).sink("mem", new MemorySink()).offsetStore(offsets));
        TableSchema required = new TableSchema("public.users", List.of(Column.of("id", ColumnType.INT32, false),
                Column.of("code", ColumnType.STRING, false)), List.of("id"));
        pg.push(insert("pg", 1, required, row("id", 1, "code", "a")));
        awaitCommitted(offsets, "pg", 1);
        TableSchema dropped = new TableSchema("public.users", List.of(Column.of("id", ColumnType.INT32, false)), List.of("id"));
        pg.push(insert("pg", 2, dropped, row("id", 2)));
        await().atMost(30, TimeUnit.SECONDS).until(() -> source(p, "pg").map(s -> s.state() == SourceState.FAILED).orElse(false));
        assertThat(source(p, "pg").orElseThrow().error()).contains("ignore", "pg_users", "version 1 cannot read", "column 'code' removed",
                "'code'");
    }

    @Test
    void aRestartedTrackerFindsTheRegisteredVersionsInsteadOfAddingNewOnes() {
        SchemaRegistry registry = SchemaRegistry.inMemory();
        RecordingCollector first = new RecordingCollector();
        SchemaTracker.create(registry).apply(List.of(v1("pg", 1), v2("pg", 2)), first);
        assertThat(registry.versions("pg_users")).containsExactly(1, 2);

        RecordingCollector second = new RecordingCollector();
        SchemaTracker.create(registry).apply(List.of(v2("pg", 3), v1("pg", 4)), second);
        assertThat(second.emitted).extracting(ChangeEvent::schemaRef)
                .containsExactly(new SchemaRef("pg_users", 2), new SchemaRef("pg_users", 1));
        assertThat(registry.versions("pg_users")).containsExactly(1, 2);
    }

    @Test
    void changingThePolicyLetsAStoppedSourceEvolveWhenRestarted() {
        SchemaRegistry registry = SchemaRegistry.inMemory();
        MemorySource pg = new MemorySource();
        MemorySink sink = new MemorySink();
        MemoryOffsetStore offsets = new MemoryOffsetStore();
        SchemaTracker tracker = SchemaTracker.builder(registry).policy("pg", SchemaChangePolicy.FAIL).build();
        Pipeline p = start(Pipeline.builder().source("pg", pg).schemaTracker(tracker).sink("mem", sink).offsetStore(offsets));
        pg.push(v1("pg", 1));
        awaitCommitted(offsets, "pg", 1);
        pg.push(v2("pg", 2));
        await().atMost(30, TimeUnit.SECONDS).until(() -> source(p, "pg").map(s -> s.state() == SourceState.FAILED).orElse(false));

        tracker.setPolicy("pg", SchemaChangePolicy.EVOLVE);
        assertThat(tracker.policy("pg")).isEqualTo(SchemaChangePolicy.EVOLVE);
        MemorySource restarted = new MemorySource();
        p.addSource("pg", restarted);
        restarted.push(v2("pg", 2));
        awaitCommitted(offsets, "pg", 2);
        assertThat(registry.versions("pg_users")).containsExactly(1, 2);
        assertThat(sink.events()).last().extracting(ChangeEvent::schemaRef).isEqualTo(new SchemaRef("pg_users", 2));
    }

    @Test
    void theRegistryIsConsultedOnlyWhenATablesSchemaChanges() {
        CountingStore store = new CountingStore();
        SchemaTracker tracker = SchemaTracker.create(new SchemaRegistry(store));
        RecordingCollector out = new RecordingCollector();
        for (int batch = 0; batch < 10; batch++) {
            List<ChangeEvent> events = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                long n = batch * 100L + i + 1;
                // a fresh but equal TableSchema instance every few events: equal content is no change
                TableSchema schema = i % 10 == 0 ? new TableSchema(V1.collection(), V1.columns(), V1.primaryKey()) : V1;
                events.add(insert("pg", n, schema, row("id", (int) n)));
                events.add(ChangeEvent.builder("pg", "public.orders", Operation.DELETE).key(row("id", n))
                        .position(Position.of(n, "o")).build());
            }
            tracker.apply(events, out);
        }
        assertThat(out.emitted).hasSize(2000);
        assertThat(out.emitted.stream().filter(e -> e.collection().equals("public.users")))
                .extracting(ChangeEvent::schemaRef).containsOnly(new SchemaRef("pg_users", 1));
        assertThat(out.emitted.stream().filter(e -> e.collection().equals("public.orders")))
                .as("events without a schema pass unchanged").allMatch(e -> e.schemaRef() == null);
        assertThat(store.reads.get()).as("store reads for 1000 events of one schema").isLessThanOrEqualTo(3);

        tracker.apply(List.of(v2("pg", 5000)), out);
        assertThat(store.reads.get()).isGreaterThan(3);
        assertThat(out.emitted.get(out.emitted.size() - 1).schemaRef()).isEqualTo(new SchemaRef("pg_users", 2));
    }

    @Test
    void eventsWithoutSchemaOfAKnownTableAreStampedToo() {
        SchemaTracker tracker = SchemaTracker.create(SchemaRegistry.inMemory());
        RecordingCollector out = new RecordingCollector();
        ChangeEvent delete = ChangeEvent.delete("pg", "public.users", row("id", 1), null, Position.of(2L));
        tracker.apply(List.of(v1("pg", 1), delete), out);
        assertThat(out.emitted).extracting(ChangeEvent::schemaRef).containsOnly(new SchemaRef("pg_users", 1));
        assertThat(tracker.id()).isEqualTo("schema");
    }

    @Test
    void theRegistryBeingUnavailableStopsTheSourceWithoutDecidingAnything() {
        CountingStore store = new CountingStore();
        SchemaTracker tracker = SchemaTracker.create(new SchemaRegistry(store));
        store.down = true;
        RecordingCollector out = new RecordingCollector();
        tracker.apply(List.of(v1("pg", 1), v1("pg", 2)), out);
        assertThat(out.emitted).isEmpty();
        assertThat(out.failed).containsOnlyKeys("pg");
        assertThat(out.failed.get("pg")).contains("schema registry unavailable", "pg_users");

        store.down = false;
        RecordingCollector again = new RecordingCollector();
        tracker.apply(List.of(v1("pg", 1)), again);
        assertThat(again.failed).isEmpty();
        assertThat(again.emitted).singleElement().extracting(ChangeEvent::schemaRef).isEqualTo(new SchemaRef("pg_users", 1));
    }

    @Test
    void thePolicyOptionParsesTheConfigNames() {
        assertThat(SchemaChangePolicy.parse("Evolve")).isEqualTo(SchemaChangePolicy.EVOLVE);
        assertThat(SchemaChangePolicy.OPTION.defaultValue()).isEqualTo("evolve");
        assertThat(SchemaChangePolicy.OPTION.key()).isEqualTo("schema_change_policy");
        assertThat(SchemaChangePolicy.OPTION.validator().check("sometimes")).contains("evolve, fail, ignore");
        assertThat(SchemaChangePolicy.IGNORE.configName()).isEqualTo("ignore");
    }

    /** Collects outcomes like the pipeline's stage collector. */
    static final class RecordingCollector implements TransformCollector {
        final List<ChangeEvent> emitted = new ArrayList<>();
        final Map<String, String> failed = new java.util.LinkedHashMap<>();
        final List<String> deadLetters = new ArrayList<>();

        @Override
        public void emit(ChangeEvent event) {
            emitted.add(event);
        }

        @Override
        public void filter(ChangeEvent event, String ruleId) {
            throw new AssertionError("the schema stage filters nothing");
        }

        @Override
        public void drop(ChangeEvent event, String ruleId, String reason) {
            throw new AssertionError("the schema stage drops nothing");
        }

        @Override
        public void deadLetter(ChangeEvent event, String ruleId, String reason, Map<String, Object> details) {
            deadLetters.add(reason);
        }

        @Override
        public void failSource(String sourceId, String reason) {
            failed.putIfAbsent(sourceId, reason);
        }

        @Override
        public void failPipeline(String reason) {
            throw new AssertionError("the schema stage never stops the pipeline");
        }
    }

    /** An in-memory store that counts reads and can be made unavailable. */
    static final class CountingStore implements SchemaStore {
        final InMemorySchemaStore delegate = new InMemorySchemaStore();
        final AtomicInteger reads = new AtomicInteger();
        volatile boolean down;

        private void check() {
            if (down) {
                throw new io.etlcdc.core.error.RetriableEtlException(io.etlcdc.core.error.ErrorCode.CONNECTION_FAILED, "database is down");
            }
        }

        @Override
        public long schemaId(io.etlcdc.schema.SchemaType type, String fingerprint, String canonical) {
            check();
            return delegate.schemaId(type, fingerprint, canonical);
        }

        @Override
        public Optional<StoredSchema> schema(long id) {
            check();
            reads.incrementAndGet();
            return delegate.schema(id);
        }

        @Override
        public List<String> subjects() {
            check();
            return delegate.subjects();
        }

        @Override
        public List<StoredVersion> versions(String subject) {
            check();
            reads.incrementAndGet();
            return delegate.versions(subject);
        }

        @Override
        public boolean addVersion(String subject, int version, long schemaId, Instant registeredAt) {
            check();
            return delegate.addVersion(subject, version, schemaId, registeredAt);
        }

        @Override
        public Optional<CompatibilityMode> compatibility(String subject) {
            check();
            return delegate.compatibility(subject);
        }

        @Override
        public void setCompatibility(String subject, CompatibilityMode mode) {
            check();
            delegate.setCompatibility(subject, mode);
        }
    }
}
